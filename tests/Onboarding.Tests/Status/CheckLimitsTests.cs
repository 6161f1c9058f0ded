using Microsoft.Extensions.Time.Testing;
using Onboarding.Status;

namespace Onboarding.Tests.Status;

public sealed class CheckLimitsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void OneCheckPerPersonPerWindow_OthersAndOtherTenantsUnaffected()
    {
        var limits = new CheckLimits(_clock);

        Assert.True(limits.TryTake("demo", "alice"));
        Assert.False(limits.TryTake("demo", "alice"));
        Assert.True(limits.TryTake("demo", "bob"));
        Assert.True(limits.TryTake("other", "alice"));

        _clock.Advance(CheckLimits.Window - TimeSpan.FromSeconds(1));
        Assert.False(limits.TryTake("demo", "alice"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limits.TryTake("demo", "alice"));
        Assert.False(limits.TryTake("demo", "alice")); // the window starts again from the check just taken
    }

    [Fact]
    public void ARefusedCheck_DoesNotPushTheWindowOn()
    {
        var limits = new CheckLimits(_clock);
        Assert.True(limits.TryTake("demo", "alice"));

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.False(limits.TryTake("demo", "alice"));
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.True(limits.TryTake("demo", "alice"));
    }

    [Fact]
    public void ManyPeople_StaleEntriesDropped_StillLimitsTheRecentOnes()
    {
        var limits = new CheckLimits(_clock);
        for (var i = 0; i < 10_001; i++)
        {
            limits.TryTake("demo", "old" + i);
        }

        _clock.Advance(CheckLimits.Window);
        Assert.True(limits.TryTake("demo", "new"));
        Assert.False(limits.TryTake("demo", "new"));
        Assert.True(limits.TryTake("demo", "old1")); // dropped or expired: either way free again
    }
}
