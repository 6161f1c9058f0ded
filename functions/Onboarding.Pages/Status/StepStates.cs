using Onboarding.Pages.Texts;
using Onboarding.Users;

namespace Onboarding.Pages.Status;

/// <summary>How a step's state reads on every page (the person's and the staff's): its word and its CSS class.</summary>
public static class StepStates
{
    public static string Label(PageTexts texts, StepState state) => texts[Key(state)];

    /// <summary>The English word, for the staff's pages.</summary>
    public static string Label(StepState state) => Label(PageTexts.English, state);

    public static string Css(StepState state) => state switch
    {
        StepState.Done => "done",
        StepState.ActionRequired => "action-required",
        StepState.Pending => "pending",
        _ => "unknown",
    };

    private static string Key(StepState state) => state switch
    {
        StepState.Done => "states.done",
        StepState.ActionRequired => "states.actionRequired",
        StepState.Pending => "states.pending",
        _ => "states.unknown",
    };
}
