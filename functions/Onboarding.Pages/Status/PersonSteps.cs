using Onboarding.Pages.Texts;
using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Pages.Status;

/// <summary>A step in the person's words: where they stand, how to do it, what happens next, and the link's label.</summary>
public sealed record StepWords(string Message, string? How, string? Next, string? Action);

/// <summary>
/// The person's steps in their language. Every step that is not done says what happens next: how long
/// it usually takes, and how this page will know (it checks by itself, or "Check again").
/// </summary>
public static class PersonSteps
{
    /// <summary>The step's name, for "what changed" lines.</summary>
    public static string Name(PageTexts t, Tenant tenant, string stepId) => stepId switch
    {
        StatusSteps.Account => t["steps.account"],
        StatusSteps.Membership => t["steps.membership"],
        _ => tenant.Partners.FirstOrDefault(p => p.Id == stepId)?.DisplayName ?? stepId,
    };

    /// <param name="stored">The step as stored, for why it is not done (<c>no_role</c>, <c>not_member</c>).</param>
    /// <param name="roles">The person's platform roles (plans), for the membership step.</param>
    /// <param name="firstSignInAt">When the timer's re-checks of partner steps began: they go on for the partner's <c>recheckFor</c>.</param>
    public static StepWords Words(PageTexts t, Tenant tenant, StatusStep step, StoredStep? stored, IReadOnlyList<string> roles,
        DateTimeOffset firstSignInAt,
        DateTimeOffset now)
    {
        var platform = ("platform", (object?)tenant.DisplayName);
        if (step.Id == StatusSteps.Account)
        {
            return new(t.Format("steps.accountDone", platform), null, null, null);
        }

        if (step.Id == StatusSteps.Membership)
        {
            return Membership(t, tenant, step.State, stored?.Detail, roles);
        }

        var partner = tenant.Partners.First(p => p.Id == step.Id);
        var name = ("partner", (object?)partner.DisplayName);
        var until = firstSignInAt + partner.RecheckFor;
        return step.State switch
        {
            StepState.Done => new(t.Format("steps.partnerDone", name), null, null, null),
            StepState.ActionRequired => new(t.Format("steps.partnerTodo", name), t.Format("steps.partnerHow", name),
                until > now ? t.Format("steps.partnerNext", ("day", t.Day(until))) : t["steps.partnerNextEnded"],
                t.Format("steps.partnerAction", name)),
            StepState.Unknown => new(t.Format("steps.partnerUnknown", name), null, t["steps.partnerUnknownNext"], null),
            _ => new(t.Format("steps.partnerPending", name), null, t["steps.partnerPendingNext"], null),
        };
    }

    /// <summary>The membership step's words; the plan names as the tenant writes them, without underscores.</summary>
    public static StepWords Membership(PageTexts t, Tenant tenant, StepState state, string? detail, IReadOnlyList<string> roles)
    {
        var vo = ("vo", (object?)tenant.Membership.Vo);
        var platform = ("platform", (object?)tenant.DisplayName);
        return (state, detail) switch
        {
            (StepState.Done, _) when roles.Count > 0 => new(t.Format("steps.membershipDone", vo,
                ("roles", string.Join(", ", roles.Select(r => r.Replace('_', ' '))))), null, null, null),
            (StepState.Done, _) => new(t.Format("steps.membershipDoneNoRole", vo), null, null, null),
            (StepState.ActionRequired, "no_role") => new(t.Format("steps.noRole", vo), null, t["steps.noRoleNext"],
                t["steps.noRoleAction"]),
            (StepState.ActionRequired, _) => new(t.Format("steps.notMember", vo, platform), null, t["steps.notMemberNext"],
                t.Format("steps.notMemberAction", vo)),
            _ => new(t["steps.membershipUnknown"], null, t["steps.membershipUnknownNext"], null),
        };
    }
}
