using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Staff;

/// <summary>A step as support staff read it.</summary>
/// <param name="Advice">What to tell or send the person, in staff's words (never the person's "you").</param>
/// <param name="LinkToSend">The address to send them, when a link is what they need.</param>
/// <param name="CheckedAt">When the step was last observed (to the hour); null before it was kept.</param>
public sealed record StaffStep(string Id, string Name, StepState State, string Advice, string? LinkToSend, DateTimeOffset? DoneSince,
    DateTimeOffset? CheckedAt);

/// <summary>The onboarding steps phrased for support staff: where the person is stuck, and what to send them.</summary>
public static class StaffSteps
{
    public static IReadOnlyList<StaffStep> Describe(Tenant tenant, StoredStatus stored, DateTimeOffset firstSignInAt)
    {
        var policy = tenant.Membership;
        var account = stored.Step(StatusSteps.Account);
        var steps = new List<StaffStep>
        {
            new(StatusSteps.Account, "Research login", StepState.Done, "Registered: signs in through the research login.", null,
                account?.FirstDoneAt ?? firstSignInAt, account?.CheckedAt),
        };

        var membership = stored.Step(StatusSteps.Membership) ?? new StoredStep(StepState.Pending, null);
        var roles = stored.Roles.Count > 0 ? string.Join(", ", stored.Roles) : "no platform role";
        steps.Add(membership.State switch
        {
            StepState.Done => Step(StatusSteps.Membership, $"Member of {policy.Vo} ({roles}).", null),
            StepState.ActionRequired when membership.Detail == "no_role" =>
                Step(StatusSteps.Membership, $"In {policy.Vo} without a platform role — send them the link to choose a plan:", policy.RoleUrl ?? policy.EnrolmentUrl),
            StepState.ActionRequired =>
                Step(StatusSteps.Membership, $"Not a member of {policy.Vo} — send them the enrolment link, then ask them to sign in again:", policy.EnrolmentUrl),
            _ => Step(StatusSteps.Membership, "Membership not seen yet — ask them to sign in again (it is read at each sign-in).", null),
        });

        foreach (var partner in tenant.Partners)
        {
            var step = stored.Step(partner.Id) ?? new StoredStep(StepState.Pending, null);
            steps.Add(new StaffStep(partner.Id, partner.DisplayName, step.State, step.State switch
            {
                StepState.Done => $"{partner.DisplayName} account linked.",
                StepState.ActionRequired =>
                    $"No {partner.DisplayName} account linked — send them this link and ask them to log in there once with “EduGAIN and social logins”:",
                StepState.Unknown => $"{partner.DisplayName} could not be asked at the last check — re-check now, or later if it is down.",
                _ => $"{partner.DisplayName} not checked yet — re-check now.",
            }, step.State == StepState.ActionRequired ? partner.LinkUrl : null, step.FirstDoneAt, step.CheckedAt));
        }

        return steps;

        StaffStep Step(string id, string advice, string? link) =>
            new(id, "VO membership", membership.State, advice, membership.State == StepState.Done ? null : link, membership.FirstDoneAt, membership.CheckedAt);
    }
}
