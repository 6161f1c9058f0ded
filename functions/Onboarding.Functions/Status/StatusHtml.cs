using System.Globalization;
using System.Text;
using Onboarding.Status;
using static Onboarding.Functions.Http.Html;

namespace Onboarding.Functions.Status;

/// <summary>The onboarding steps as HTML: state, message, and the link where the person can act.</summary>
public static class StatusHtml
{
    public static string Steps(OnboardingStatus status)
    {
        var html = new StringBuilder();
        html.Append(status.Ready
            ? "<p class=\"ready\">You are all set: every step is done.</p>"
            : "<p>A few steps remain before you can use the platform:</p>");
        html.Append("<ol class=\"steps\">");
        foreach (var step in status.Steps)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"step {E(Css(step.State))}\" data-step=\"{E(step.Id)}\">")
                .Append(CultureInfo.InvariantCulture, $"<span class=\"state\">{E(Label(step.State))}</span> ")
                .Append(E(step.Message));
            if (step.ActionUrl is { } url)
            {
                html.Append(CultureInfo.InvariantCulture, $" <a href=\"{E(url)}\" rel=\"noopener\">{E(ActionText(step))}</a>");
            }

            if (step.CompletedAt is { } at && step.State == StepState.Done)
            {
                html.Append(CultureInfo.InvariantCulture, $" <small>since {E(at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}</small>");
            }

            html.Append("</li>");
        }

        return html.Append("</ol>").ToString();
    }

    private static string Label(StepState state) => state switch
    {
        StepState.Done => "Done",
        StepState.ActionRequired => "To do",
        StepState.Pending => "Waiting",
        _ => "Unknown",
    };

    private static string Css(StepState state) => state switch
    {
        StepState.Done => "done",
        StepState.ActionRequired => "action-required",
        StepState.Pending => "pending",
        _ => "unknown",
    };

    private static string ActionText(StatusStep step) => step.Id switch
    {
        StatusSteps.Membership => "Enrol now",
        _ => "Link your account",
    };
}
