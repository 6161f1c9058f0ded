using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Onboarding.Uptake;

/// <summary>One tenant-month's failed sign-ins by reason (the error code), as this instance tallied them since it started.</summary>
public sealed record MonthFailures(string TenantId, DateOnly Month, IReadOnlyDictionary<string, long> ByCode)
{
    public long Total => ByCode.Values.Sum();
}

/// <summary>
/// Counts failed sign-ins in memory, by tenant, calendar month (UTC) and reason (the error code the
/// person was shown). A failure is anonymous, and SECURITY.md forbids a row per anonymous request:
/// so nothing is written on the request path, no person or marker is involved, and a flood of bad
/// callbacks costs one atomic increment each. The counts only grow (since this process started):
/// <see cref="FailureShards"/> writes them, on a short timer, to this instance's own shard row of
/// the month, from which the drain counts them into the reports. What a crash loses is what was
/// counted here after the last flush: at most one flush interval's worth
/// (<see cref="UptakeOptions.FailureFlushInterval"/>, 2 seconds by default).
/// </summary>
public sealed class SignInFailures(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string TenantId, DateOnly Month, string Code), StrongBox<long>> _counts = new();

    public void Count(string tenantId, string code)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var count = _counts.GetOrAdd((tenantId, new DateOnly(now.Year, now.Month, 1), code), static _ => new StrongBox<long>());
        Interlocked.Increment(ref count.Value);
    }

    /// <summary>
    /// Everything counted since the process started, per tenant-month. A <see cref="Count"/> running
    /// meanwhile lands in this snapshot or the next (the counts never go down, so a later one has it).
    /// </summary>
    public IReadOnlyList<MonthFailures> Snapshot() =>
        _counts.Select(c => (c.Key, Count: Volatile.Read(ref c.Value.Value)))
            .GroupBy(c => (c.Key.TenantId, c.Key.Month))
            .Select(g => new MonthFailures(g.Key.TenantId, g.Key.Month, g.ToDictionary(c => c.Key.Code, c => c.Count, StringComparer.Ordinal)))
            .ToList();

    /// <summary>
    /// Drops a tenant-month's counts: only for a month long over (a day past its end), which no
    /// <see cref="Count"/> can still be adding to.
    /// </summary>
    public void Forget(string tenantId, DateOnly month)
    {
        foreach (var key in _counts.Keys.Where(k => k.TenantId == tenantId && k.Month == month))
        {
            _counts.TryRemove(key, out _);
        }
    }
}
