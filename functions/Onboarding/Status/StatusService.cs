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
    RecheckSchedule rechecks,
    UserStore users,
    Uptake.UptakePlanner uptake,
    TimeProvider time,
    ILogger<StatusService> logger)
{
    /// <summary>How long after a check that found no link the timer looks again (plus jitter).</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// When a re-check could not reach a partner: the first retry after this, then twice as long each
    /// time (5, 10, 20, 40 minutes), never longer than <see cref="RecheckInterval"/>; plus up to a minute of jitter.
    /// </summary>
    public static readonly TimeSpan UnreachableRetry = TimeSpan.FromMinutes(5);

    /// <summary>How long after <paramref name="misses"/> re-checks in a row that could not reach a partner to try again.</summary>
    public static TimeSpan BackOff(int misses) =>
        TimeSpan.FromTicks(Math.Min(RecheckInterval.Ticks, UnreachableRetry.Ticks << Math.Clamp(misses - 1, 0, 10)));

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

    /// <summary>Asks the partners again now (timer, staff) and stores what changed; the record as it was and as it is (null: no such user).</summary>
    /// <param name="misses">The re-checks before this one, in a row, that could not reach a partner.</param>
    public async Task<(UserRecord Before, UserRecord After)?> RecheckPartnersAsync(Tenant tenant, string userId, CancellationToken cancellationToken,
        int misses = 0)
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

        var unreachable = observed.Partners.Values.Any(a => a.State == LinkState.Unknown);
        await ScheduleRecheckAsync(tenant, updated, cancellationToken, misses: unreachable ? misses + 1 : 0);
        return (user, updated);
    }

    /// <summary>
    /// Keeps a user on the re-check schedule while a partner step is not done and the tenant's window
    /// after sign-up is open; takes them off otherwise. Due again after an hour, spread by jitter, or
    /// sooner (<see cref="BackOff"/>) after re-checks that could not reach a partner.
    /// </summary>
    /// <param name="previous">
    /// The status before a sign-in (null for a first one), when the caller knows it: a person who had
    /// every partner linked before was not on the schedule, so there is nothing to take off.
    /// </param>
    public async Task ScheduleRecheckAsync(Tenant tenant, UserRecord user, CancellationToken cancellationToken, bool dueNow = false,
        StoredStatus? previous = null, int misses = 0)
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

        var due = dueNow ? now
            : misses > 0 ? now + BackOff(misses) + TimeSpan.FromSeconds(Random.Shared.Next(0, 60))
            : now + RecheckInterval + TimeSpan.FromSeconds(Random.Shared.Next(0, 600));
        await rechecks.ScheduleAsync(tenant.Id, user.UserId, due, until, cancellationToken, misses);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored {Count} malformed entitlement value(s) for tenant {Tenant}")]
    private partial void LogMalformed(string tenant, int count);
}
