using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Uptake;

namespace Onboarding.Tests.Uptake;

public sealed class UptakeHashTests
{
    private static readonly Pseudonymizer Pseudonyms =
        new(Options.Create(new PrivacyOptions { HmacSecret = Convert.ToBase64String(Enumerable.Repeat((byte)3, 32).ToArray()) }));

    [Fact]
    public void EachLifeOfAUser_HasMarkersOfItsOwn()
    {
        var first = UptakeHash.Of(Pseudonyms, "user-1", "life-a");

        Assert.Equal(first, UptakeHash.Of(Pseudonyms, "user-1", "life-a"));
        Assert.NotEqual(first, UptakeHash.Of(Pseudonyms, "user-1", "life-b")); // erased, and back
        Assert.NotEqual(first, UptakeHash.Of(Pseudonyms, "user-2", "life-a"));
        Assert.DoesNotContain("user-1", first, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordFromBeforeLives_KeepsTheMarkersItHas() =>
        Assert.Equal(Pseudonyms.Hash("uptake", "user-1"), UptakeHash.Of(Pseudonyms, "user-1", life: null));
}
