using System.Collections.Concurrent;
using Onboarding.Common;
using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>What a person's "Check again" found, or what it needs first.</summary>
/// <param name="Changes">The steps the fresh answers changed (empty: none); null when nothing was asked.</param>
/// <param name="TooSoon">The person checked a moment ago: nothing was asked.</param>
/// <param name="AskProvider">The membership is not done: only the login service knows it, so a silent
/// re-authentication (<c>prompt=none</c>) brings fresh entitlements, and fresh partner answers with them.</param>
public sealed record CheckResult(IReadOnlyList<StepChange>? Changes, bool TooSoon = false, bool AskProvider = false);

/// <summary>
/// One "Check again" per person per <see cref="Window"/>: each asks a partner, or the login service,
/// on the person's behalf. Kept in this instance's memory (bounded: entries older than the window
/// are dropped when it grows), so with N instances a person could check N times a window at most;
/// the partners' own circuit and the re-check schedule stay the protection that counts.
/// </summary>
public sealed class CheckLimits(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    /// <summary>Whether this person may check now; counts the check when they may.</summary>
    public bool TryTake(string tenantId, string userId)
    {
        var now = time.GetUtcNow();
        var key = tenantId + "\n" + userId;
        var taken = false;
        _last.AddOrUpdate(key, _ => { taken = true; return now; }, (_, last) =>
        {
            taken = now - last >= Window;
            return taken ? now : last;
        });
        if (_last.Count > PruneAbove)
        {
            foreach (var (stale, at) in _last)
            {
                if (now - at >= Window)
                {
                    _last.TryRemove(KeyValuePair.Create(stale, at));
                }
            }
        }

        return taken;
    }
}

/// <summary>
/// "Check again" on the status page: the partners asked now when only partner steps remain; the
/// login service (silently) when the membership is not done, as only it knows the entitlements.
/// </summary>
public sealed class StatusCheck(UserStore users, StatusService status, CheckLimits limits)
{
    public async Task<CheckResult> CheckAsync(PersonCaller person, CancellationToken cancellationToken)
    {
        if (!limits.TryTake(person.Tenant.Id, person.UserId))
        {
            return new CheckResult(null, TooSoon: true);
        }

        var user = await users.FindAsync(person.Tenant.Id, person.UserId, cancellationToken) ?? throw NoRecord();
        if (user.Status.Step(StatusSteps.Membership)?.State != StepState.Done)
        {
            return new CheckResult(null, AskProvider: true);
        }

        var (before, after) = await status.RecheckPartnersAsync(person.Tenant, person.UserId, cancellationToken) ?? throw NoRecord();
        return new CheckResult(StatusSteps.Changes(before.Status, after.Status));
    }

    private static OnboardingException NoRecord() =>
        new(ApiError.UserNotFound, "There is no record of you here any more. Sign in again.");
}
