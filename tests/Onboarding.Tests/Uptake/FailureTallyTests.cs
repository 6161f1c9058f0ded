using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Uptake;

namespace Onboarding.Tests.Uptake;

/// <summary>The failed-sign-in tally in memory, what a flush writes of it, and what the drain counts of a shard.</summary>
public sealed class FailureTallyTests
{
    private static readonly DateOnly January = new(2026, 1, 1);
    private static readonly DateOnly February = new(2026, 2, 1);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero));

    private static Dictionary<(string, DateOnly), ShardState> Written(DateTimeOffset at, params MonthFailures[] months) =>
        months.ToDictionary(m => (m.TenantId, m.Month), m => new ShardState(m.ByCode, at));

    [Fact]
    public void Counts_ByTenantMonthAndReason_InTheServiceClocksMonth()
    {
        var failures = new SignInFailures(_clock);
        failures.Count("rp", "LoginAttemptUnknown");
        failures.Count("rp", "LoginAttemptUnknown");
        failures.Count("other", "SignInRefused");
        _clock.Advance(TimeSpan.FromSeconds(1)); // February, UTC
        failures.Count("rp", "LoginAttemptExpired");

        var months = failures.Snapshot().ToDictionary(m => (m.TenantId, m.Month));
        Assert.Equal(3, months.Count);
        Assert.Equal(new Dictionary<string, long> { ["LoginAttemptUnknown"] = 2 }, months[("rp", January)].ByCode);
        Assert.Equal(1, months[("other", January)].Total);
        Assert.Equal(new Dictionary<string, long> { ["LoginAttemptExpired"] = 1 }, months[("rp", February)].ByCode);
    }

    [Fact]
    public void ASnapshot_HoldsEverythingSinceTheStart_SoALaterOneHasWhatAnEarlierMissed()
    {
        var failures = new SignInFailures(_clock);
        failures.Count("rp", "SignInRefused");
        Assert.Equal(1, Assert.Single(failures.Snapshot()).Total);
        failures.Count("rp", "SignInRefused");
        Assert.Equal(2, Assert.Single(failures.Snapshot()).Total); // not 1: the counts are absolute, a write of them idempotent
    }

    [Fact]
    public async Task CountsAtOnce_WithSnapshotsTakenMeanwhile_NoneIsLost()
    {
        var failures = new SignInFailures(_clock);
        var seen = new List<long>();
        using var done = new CancellationTokenSource();
        var snapshots = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                seen.Add(failures.Snapshot().Sum(m => m.Total));
                await Task.Yield();
            }
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                failures.Count("rp", i % 3 == 0 ? "SignInRefused" : "LoginAttemptUnknown");
            }
        }, TestContext.Current.CancellationToken)));
        await done.CancelAsync();
        await snapshots;

        Assert.Equal(160_000, failures.Snapshot().Sum(m => m.Total));
        Assert.Equal(seen.Order(), seen); // never going down
    }

    [Fact]
    public void AFlush_WritesOnlyTheMonthsThatChanged_AndNothingWhenIdle()
    {
        var failures = new SignInFailures(_clock);
        failures.Count("rp", "SignInRefused");
        failures.Count("other", "SignInRefused");
        var now = _clock.GetUtcNow();

        var first = FailureShards.Plan(failures.Snapshot(), Written(now), now);
        Assert.Equal(2, first.Write.Count);
        Assert.Empty(FailureShards.Plan(failures.Snapshot(), Written(now, [.. first.Write]), now).Write); // idle: nothing

        failures.Count("rp", "LoginAttemptUnknown");
        var second = FailureShards.Plan(failures.Snapshot(), Written(now, [.. first.Write]), now);
        var rp = Assert.Single(second.Write);
        Assert.Equal(("rp", 2L), (rp.TenantId, rp.Total));
        Assert.Empty(second.Forget);
    }

    [Fact]
    public void AMonthsTally_IsWrittenUntilADayPastItsEnd_ThenOnlyWhereNoDrainCanHaveDeletedTheRow()
    {
        var failures = new SignInFailures(_clock);
        failures.Count("rp", "SignInRefused");
        failures.Count("rp", "SignInRefused");
        var end = FailureShards.EndOf(January);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), end);
        var late = end + FailureShards.WrittenUntilAfterMonth;
        var tallied = failures.Snapshot();
        var oneOfTwo = new MonthFailures("rp", January, new Dictionary<string, long> { ["SignInRefused"] = 1 });

        // A row written once, storage down since: written up to a day after the month's end.
        Assert.Single(FailureShards.Plan(tallied, Written(end - TimeSpan.FromDays(3), oneOfTwo), late - TimeSpan.FromSeconds(1)).Write);
        // Later, its last write long ago: the drain may have counted and deleted it; the rest is given up, never counted twice.
        var givenUp = FailureShards.Plan(tallied, Written(end - TimeSpan.FromDays(3), oneOfTwo), late);
        Assert.Empty(givenUp.Write);
        Assert.Equal(1, Assert.Single(givenUp.Forget).Unwritten);
        // …but a row last written less than half an hour ago, or never tried (a clock that jumped), is written.
        Assert.Single(FailureShards.Plan(tallied, Written(late - TimeSpan.FromMinutes(29), oneOfTwo), late).Write);
        Assert.Single(FailureShards.Plan(tallied, Written(late), late + TimeSpan.FromDays(300)).Write);

        // Written in full: forgotten, nothing lost.
        Assert.Equal(0, Assert.Single(FailureShards.Plan(tallied, Written(end, [.. tallied]), late).Forget).Unwritten);
        failures.Forget("rp", January);
        Assert.Empty(failures.Snapshot());
    }

    [Fact]
    public void TheDrainDeletesAShard_OnlyCountedLongAfterItsMonth_AndWhenNoInstanceWritesItAnyMore()
    {
        Assert.True(FailedSignInCounting.KeptAfterMonth > FailureShards.WrittenUntilAfterMonth);
        Assert.True(FailedSignInCounting.DeletedIdleFor > FailureShards.RewrittenWithin);
        // Partitions before this one are months that ended two days ago or more.
        Assert.Equal("rp_202602", FailedSignInCounting.OldBefore("rp", new DateTimeOffset(2026, 3, 2, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal("rp_202603", FailedSignInCounting.OldBefore("rp", new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero)));

        var now = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
        var idle = new FailureShardEntity { FlushedAt = now - TimeSpan.FromHours(2) };
        Assert.True(FailedSignInCounting.Goes(oldMonth: true, idle, counted: true, now));
        Assert.False(FailedSignInCounting.Goes(oldMonth: false, idle, counted: true, now));
        Assert.False(FailedSignInCounting.Goes(oldMonth: true, idle, counted: false, now));
        Assert.False(FailedSignInCounting.Goes(oldMonth: true, new FailureShardEntity { FlushedAt = now - TimeSpan.FromHours(2), Pending = true }, counted: true, now));
        Assert.False(FailedSignInCounting.Goes(oldMonth: true, new FailureShardEntity { FlushedAt = now - TimeSpan.FromMinutes(50) }, counted: true, now));
    }

    [Fact]
    public void AShardsUncountedPart_IsItsTallyBeyondWhatWasCounted()
    {
        var tally = FailureShardEntity.Parse(FailureShardEntity.Write(new Dictionary<string, long> { ["SignInRefused"] = 5, ["LoginAttemptUnknown"] = 2 }));
        Assert.Equal(tally, FailureShardEntity.Uncounted(tally, FailureShardEntity.Parse("")));
        Assert.Equal(new Dictionary<string, long> { ["SignInRefused"] = 3 },
            FailureShardEntity.Uncounted(tally, new Dictionary<string, long> { ["SignInRefused"] = 2, ["LoginAttemptUnknown"] = 2 }));
        Assert.Empty(FailureShardEntity.Uncounted(tally, tally)); // counted: a drain retried finds nothing to add
    }

    [Theory]
    [InlineData("00:00:02", true)]
    [InlineData("00:00:00.1", true)]
    [InlineData("00:01:00", true)]
    [InlineData("00:00:00.05", false)]
    [InlineData("00:05:00", false)]
    public void TheFlushInterval_IsFrom100MillisecondsToAMinute(string interval, bool valid)
    {
        var options = new UptakeOptions { FailureFlushInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
