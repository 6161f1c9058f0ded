using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>
/// The pure rules of onboarding: how a new observation changes the stored status, and how a stored
/// status reads to the person (messages and links).
/// </summary>
public static class StatusSteps
{
    public const string Account = BuiltInSteps.Account;
    public const string Membership = BuiltInSteps.Membership;

    public static StoredStatus Merge(Tenant tenant, StoredStatus? previous, StatusObservation observed, DateTimeOffset now)
    {
        previous ??= StoredStatus.Empty;
        var steps = new Dictionary<string, StoredStep>
        {
            [Account] = Observe(previous.Step(Account), StepState.Done, null, now),
            [Membership] = observed.Membership is { } membership
                ? Observe(previous.Step(Membership), membership.Accepted(tenant.Membership) ? StepState.Done : StepState.ActionRequired,
                    membership.IsMember ? "no_role" : "not_member", now)
                : previous.Step(Membership) ?? new StoredStep(StepState.Pending, null),
        };

        foreach (var partner in tenant.Partners)
        {
            var before = previous.Step(partner.Id);
            steps[partner.Id] = observed.Partners.TryGetValue(partner.Id, out var link)
                ? link switch
                {
                    { State: LinkState.Linked } => Observe(before, StepState.Done, null, now),
                    // Only a fresh answer undoes a confirmed link: a cached one may predate it.
                    { State: LinkState.NotLinked, Fresh: false } when before is { State: StepState.Done } => before,
                    { State: LinkState.NotLinked } => Observe(before, StepState.ActionRequired, null, now),
                    // A partner that cannot be asked does not undo what it said before: a confirmed link, or
                    // "not linked yet" (the person still has the step to do, and is told so).
                    _ => before is { State: StepState.Done or StepState.ActionRequired } ? before : Observe(before, StepState.Unknown, null, now),
                }
                : before ?? new StoredStep(StepState.Pending, null);
        }

        var roles = observed.Membership?.Roles ?? previous.Roles;
        var ready = steps.Values.All(s => s.State == StepState.Done);
        return new StoredStatus(steps, roles, previous.ReadyAt ?? (ready ? now : null));
    }

    /// <summary>Within this long of the last check, a check that finds the same state keeps the stored time (no write for it).</summary>
    public static readonly TimeSpan CheckedAtGrain = TimeSpan.FromHours(1);

    /// <summary>The step as observed now: its first-done time kept from before, its check time kept within <see cref="CheckedAtGrain"/> of an unchanged state.</summary>
    private static StoredStep Observe(StoredStep? before, StepState state, string? detail, DateTimeOffset now)
    {
        var kept = state == StepState.Done ? null : detail;
        var checkedAt = before is { CheckedAt: { } at } && before.State == state && before.Detail == kept && now - at < CheckedAtGrain ? at : now;
        return new(state, before?.FirstDoneAt ?? (state == StepState.Done ? now : null), kept, checkedAt);
    }

    /// <summary>The steps whose state differs between two stored statuses (a re-check's effect).</summary>
    public static IReadOnlyList<StepChange> Changes(StoredStatus before, StoredStatus after) =>
        after.Steps.Where(s => (before.Step(s.Key)?.State ?? StepState.Pending) != s.Value.State)
            .Select(s => new StepChange(s.Key, before.Step(s.Key)?.State ?? StepState.Pending, s.Value.State))
            .ToList();

    public static OnboardingStatus Describe(Tenant tenant, StoredStatus stored, DateTimeOffset firstSignInAt)
    {
        var policy = tenant.Membership;
        var steps = new List<StatusStep>
        {
            new(Account, StepState.Done, $"You have signed in to {tenant.DisplayName} through your research login.", null,
                stored.Step(Account)?.FirstDoneAt ?? firstSignInAt),
        };

        var membership = stored.Step(Membership) ?? new StoredStep(StepState.Pending, null);
        var roles = stored.Roles.Count > 0 ? string.Join(", ", stored.Roles) : "member";
        steps.Add(membership.State switch
        {
            StepState.Done => new StatusStep(Membership, StepState.Done,
                $"You are a member of the virtual organisation {policy.Vo} ({roles}).", null, membership.FirstDoneAt),
            StepState.ActionRequired when membership.Detail == "no_role" => new StatusStep(Membership, StepState.ActionRequired,
                $"You are in the virtual organisation {policy.Vo} but have no platform role yet: choose a plan to start.",
                policy.RoleUrl ?? policy.EnrolmentUrl, membership.FirstDoneAt),
            StepState.ActionRequired => new StatusStep(Membership, StepState.ActionRequired,
                $"Join the virtual organisation {policy.Vo} to use the platform. Enrolment takes a minute; then sign in again.",
                policy.EnrolmentUrl, membership.FirstDoneAt),
            _ => new StatusStep(Membership, membership.State,
                "We have not seen your membership yet: sign in again to refresh it.", policy.EnrolmentUrl, membership.FirstDoneAt),
        });

        foreach (var partner in tenant.Partners)
        {
            var step = stored.Step(partner.Id) ?? new StoredStep(StepState.Pending, null);
            var message = step.State switch
            {
                StepState.Done => $"Your {partner.DisplayName} account is linked.",
                StepState.ActionRequired =>
                    $"Link your {partner.DisplayName} account: log in there with 'EduGAIN and social logins' once.",
                StepState.Unknown => $"We could not check your {partner.DisplayName} account just now; we will retry.",
                _ => $"Your {partner.DisplayName} account has not been checked yet.",
            };
            steps.Add(new StatusStep(partner.Id, step.State, message,
                step.State == StepState.Done ? null : partner.LinkUrl, step.FirstDoneAt));
        }

        return new OnboardingStatus(steps, stored.Roles);
    }
}
