using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Staff;

namespace Onboarding.Tests.Staff;

/// <summary>The staff session cookie: sealed, bounded by its access token's life, and nothing else passes for it.</summary>
public sealed class StaffSessionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly IOptions<PrivacyOptions> Secret = Options.Create(new PrivacyOptions
    {
        HmacSecret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
    });

    private readonly FakeTimeProvider _time = new(Start);

    private StaffSessions Sessions() => new(Secret, _time);

    [Fact]
    public void Session_ReadsBack_AndHidesItsAccessToken()
    {
        var session = Sessions().Issue("demo", "actor-1", "secret-access-token-123", Start.AddHours(2));

        var read = Sessions().Read(session.Value);

        Assert.NotNull(read);
        Assert.Equal(("demo", "actor-1", "secret-access-token-123"), (read.TenantId, read.ActorId, read.AccessToken));
        // Sealed, not only signed: nothing of it is readable in the cookie.
        var decoded = Encoding.Latin1.GetString(Base64UrlEncoder.DecodeBytes(session.Value[3..]));
        Assert.DoesNotContain("secret-access-token", decoded, StringComparison.Ordinal);
        Assert.DoesNotContain("actor-1", decoded, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifetime_AtMostAnHour_AndNeverPastTheAccessToken()
    {
        Assert.Equal(Start.AddHours(1), Sessions().Issue("demo", "a", "t", Start.AddHours(5)).ExpiresAt);
        var shortLived = Sessions().Issue("demo", "a", "t", Start.AddMinutes(20));
        Assert.Equal(Start.AddMinutes(20), shortLived.ExpiresAt);

        _time.Advance(TimeSpan.FromMinutes(20) - TimeSpan.FromSeconds(1));
        Assert.NotNull(Sessions().Read(shortLived.Value));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Sessions().Read(shortLived.Value));
    }

    [Fact]
    public void Altered_Truncated_OtherSecret_OrOtherPurpose_NeverPasses()
    {
        var value = Sessions().Issue("demo", "a", "t", Start.AddHours(1)).Value;
        var other = new StaffSessions(Options.Create(new PrivacyOptions { HmacSecret = Convert.ToBase64String(new byte[32]) }), _time);
        var flipped = value[..^5] + (value[^5] == 'A' ? 'B' : 'A') + value[^4..];

        Assert.Null(Sessions().Read(flipped));
        Assert.Null(Sessions().Read(value[..^10]));
        Assert.Null(other.Read(value));
        Assert.Null(Sessions().Read(null));
        Assert.Null(Sessions().Read("s2." + new string('A', 5000)));
        // A sealed login state, made with the same deployment secret, is not a session.
        var state = new SealedAttempts(Secret).Seal("staff", new LoginAttempt("n", "v", null, "staff", "b", Start.AddHours(1).ToUnixTimeSeconds()));
        Assert.Null(Sessions().Read("s2." + state[3..]));
    }

    [Fact]
    public void AccessTokenTooLargeForACookie_ClearRefusal()
    {
        var e = Assert.Throws<OnboardingException>(() =>
            Sessions().Issue("demo", "a", new string('x', StaffSessions.MaxAccessTokenLength + 1), Start.AddHours(1)));
        Assert.Equal(ApiError.OidcProviderMisconfigured, e.Error);

        var largest = Sessions().Issue("demo", "a", new string('x', StaffSessions.MaxAccessTokenLength), Start.AddHours(1));
        Assert.True(largest.Value.Length < 3900, $"cookie value of {largest.Value.Length} characters");
        Assert.NotNull(Sessions().Read(largest.Value));
    }
}
