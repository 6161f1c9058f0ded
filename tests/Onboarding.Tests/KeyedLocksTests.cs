using Onboarding.Common;

namespace Onboarding.Tests;

public sealed class KeyedLocksTests
{
    [Fact]
    public async Task OneKey_TakesTurns_OtherKeysDoNotWait_AndTheTurnSaysWhoWaited()
    {
        var locks = new KeyedLocks();
        var first = await locks.TakeAsync("a", TestContext.Current.CancellationToken);
        Assert.False(first.Waited);
        var second = locks.TakeAsync("a", TestContext.Current.CancellationToken);
        using (var other = await locks.TakeAsync("b", TestContext.Current.CancellationToken))
        {
            Assert.False(other.Waited);
        }

        Assert.False(second.IsCompleted);
        first.Dispose();
        using var turn = await second;
        Assert.True(turn.Waited);
    }

    [Fact]
    public async Task ACancelledWait_LeavesTheLockUsable()
    {
        var locks = new KeyedLocks();
        var held = await locks.TakeAsync("a", TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var waiting = locks.TakeAsync("a", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        using var again = await locks.TakeAsync("a", TestContext.Current.CancellationToken);
        Assert.False(again.Waited);
    }
}
