using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.SignIn;

namespace Onboarding.Tests.SignIn;

public sealed class SealedAttemptsTests
{
    private static SealedAttempts With(byte fill) => new(Options.Create(new PrivacyOptions
    {
        HmacSecret = Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray()),
    }));

    private static readonly LoginAttempt Attempt = new("nonce-value", "verifier-value", "https://editor.openeo.cloud/x", null,
        "binding-hash", 1_900_000_000);

    [Fact]
    public void RoundTrip_GivesTheAttemptBack()
    {
        var sealer = With(1);
        Assert.Equal(Attempt, sealer.Unseal("demo", sealer.Seal("demo", Attempt)));
    }

    [Fact]
    public void SealedState_HidesTheVerifierAndNonce_AndDiffersEachTime()
    {
        var sealer = With(1);
        var a = sealer.Seal("demo", Attempt);
        var b = sealer.Seal("demo", Attempt);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain("verifier", a, StringComparison.Ordinal);
        Assert.All(new[] { a, b }, s => Assert.Matches("^a1\\.[A-Za-z0-9_-]+$", s));
    }

    [Fact]
    public void OtherTenant_OtherSecret_Altered_Truncated_Oversized_Garbage_AllRefused()
    {
        var sealer = With(1);
        var state = sealer.Seal("demo", Attempt);
        var flipped = state[..^5] + (state[^5] == 'A' ? 'B' : 'A') + state[^4..];
        Assert.Null(sealer.Unseal("other", state));
        Assert.Null(With(2).Unseal("demo", state));
        Assert.Null(sealer.Unseal("demo", flipped));
        Assert.Null(sealer.Unseal("demo", state[..20]));
        Assert.Null(sealer.Unseal("demo", "a1." + new string('A', SealedAttempts.MaxStateLength)));
        Assert.Null(sealer.Unseal("demo", "a1.!!!"));
        Assert.Null(sealer.Unseal("demo", "not-a-state"));
        Assert.Null(sealer.Unseal("demo", null));
    }
}
