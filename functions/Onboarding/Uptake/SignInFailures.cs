using System.Collections.Concurrent;

namespace Onboarding.Uptake;

/// <summary>Failed sign-ins of one tenant, month and reason, as tallied since they were last taken.</summary>
public sealed record FailureTally(string TenantId, DateOnly Month, string Code, long Count);

/// <summary>
/// Counts failed sign-ins in memory, by tenant, calendar month (UTC) and reason (the error code the
/// person was shown), for the uptake drain to add to the reports (<see cref="Uptake.UptakeDrain"/>).
/// A failure is anonymous, and SECURITY.md forbids a row per anonymous request: so nothing is written
/// on the request path, no person or marker is involved, and a flood of bad callbacks costs one
/// dictionary add each. An instance that crashes loses what it tallied since the last drain (about 15
/// seconds): these are operators' figures of where people get stuck, not distinct counts.
/// </summary>
public sealed class SignInFailures(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string TenantId, DateOnly Month, string Code), long> _counts = new();

    public void Count(string tenantId, string code)
    {
        var now = time.GetUtcNow().UtcDateTime;
        _counts.AddOrUpdate((tenantId, new DateOnly(now.Year, now.Month, 1), code), 1, (_, n) => n + 1);
    }

    /// <summary>Takes everything tallied so far (each count once: a concurrent <see cref="Count"/> lands in this take or the next).</summary>
    public IReadOnlyList<FailureTally> Take()
    {
        var taken = new List<FailureTally>();
        foreach (var key in _counts.Keys)
        {
            if (_counts.TryRemove(key, out var n) && n > 0)
            {
                taken.Add(new FailureTally(key.TenantId, key.Month, key.Code, n));
            }
        }

        return taken;
    }
}
