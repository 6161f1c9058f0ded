using Microsoft.Extensions.Logging;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>
/// Works out a person's onboarding status from what is observed (claims, partner answers), keeps it
/// on the user record, and keeps the re-check schedule for partner steps that are not done.
/// </summary>
public sealed partial class StatusService(
    PartnerLinkChecker partners,
    PartnerRecheckStore rechecks,
    UserStore users,
    Uptake.UptakePlanner uptake,
    TimeProvider time,
    ILogger<StatusService> logger)
{
    /// <summary>How long after a check that found no link the timer looks again (plus jitter).</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromHours(1);

    /// <summary>Asks every partner of the tenant about this identity, all at once.</summary>
    public async Task<IReadOnlyDictionary<string, LinkAnswer>> ObservePartnersAsync(Tenant tenant, string identity,
        bool fresh, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(tenant.Partners.Select(async p =>
            (p.Id, Answer: await partners.CheckAsync(p, tenant.Id, identity, fresh, cancellationToken))));
        return answers.ToDictionary(a => a.Id, a => a.Answer);
    }

    /// <summary>Membership read from entitlement claims; malformed values are counted in the log, never fatal.</summary>
    public Membership ReadMembership(Tenant tenant, IEnumerable<string> entitlements)
    {
        var membership = MembershipEvaluator.Evaluate(tenant.Membership, entitlements);
        if (membership.MalformedValues > 0)
        {
            LogMalformed(tenant.Id, membership.MalformedValues);
        }

        return membership;
    }

    /// <summary>Asks the partners again now (timer, staff) and stores what changed.</summary>
    public async Task<UserRecord?> RecheckPartnersAsync(Tenant tenant, string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(tenant.Id, userId, cancellationToken);
        if (user is null)
        {
            await rechecks.RemoveAsync(tenant.Id, userId, cancellationToken);
            return null;
        }

        var observed = new StatusObservation(null, await ObservePartnersAsync(tenant, user.Subject, fresh: true, cancellationToken));
        if (await users.UpdateStatusAsync(tenant.Id, userId, (stored, now) => StatusSteps.Merge(tenant, stored, observed, now),
            (before, after) => uptake.StatusChanged(tenant, before, after), known: null, cancellationToken) is not var (updated, _))
        {
            return null;
        }

        await ScheduleRecheckAsync(tenant, updated, cancellationToken);
        return updated;
    }

    /// <summary>
    /// Keeps a user on the re-check schedule while a partner step is not done and the tenant's window
    /// after sign-up is open; takes them off otherwise. Due again after an hour, spread by jitter.
    /// </summary>
    /// <param name="previous">
    /// The status before a sign-in (null for a first one), when the caller knows it: a person who had
    /// every partner linked before was not on the schedule, so there is nothing to take off.
    /// </param>
    public async Task ScheduleRecheckAsync(Tenant tenant, UserRecord user, CancellationToken cancellationToken, bool dueNow = false,
        StoredStatus? previous = null)
    {
        if (tenant.Partners.Count == 0)
        {
            return;
        }

        var pending = tenant.Partners.Where(p => user.Status.Step(p.Id)?.State != StepState.Done).ToList();
        var now = time.GetUtcNow();
        var until = pending.Count == 0 ? now : user.FirstSignInAt + pending.Max(p => p.RecheckFor);
        if (until <= now)
        {
            var wasScheduled = previous is null
                ? !dueNow // a first sign-in (dueNow) had no schedule; elsewhere the caller does not know
                : tenant.Partners.Any(p => previous.Step(p.Id)?.State != StepState.Done);
            if (wasScheduled)
            {
                await rechecks.RemoveAsync(tenant.Id, user.UserId, cancellationToken);
            }

            return;
        }

        var jitter = TimeSpan.FromSeconds(Random.Shared.Next(0, 600));
        await rechecks.ScheduleAsync(tenant.Id, user.UserId, dueNow ? now : now + RecheckInterval + jitter, until, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored {Count} malformed entitlement value(s) for tenant {Tenant}")]
    private partial void LogMalformed(string tenant, int count);
}
