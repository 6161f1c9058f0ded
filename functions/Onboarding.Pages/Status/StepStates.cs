using Onboarding.Users;

namespace Onboarding.Pages.Status;

/// <summary>How a step's state reads on every page (the person's and the staff's): its word and its CSS class.</summary>
public static class StepStates
{
    public static string Label(StepState state) => state switch
    {
        StepState.Done => "Done",
        StepState.ActionRequired => "To do",
        StepState.Pending => "Waiting",
        _ => "Unknown",
    };

    public static string Css(StepState state) => state switch
    {
        StepState.Done => "done",
        StepState.ActionRequired => "action-required",
        StepState.Pending => "pending",
        _ => "unknown",
    };
}
