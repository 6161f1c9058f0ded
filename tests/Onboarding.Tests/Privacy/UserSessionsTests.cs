using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Common;
using Onboarding.Users;

namespace Onboarding.Tests.Privacy;

public sealed class UserSessionsTests
{
    private static readonly IOptions<PrivacyOptions> Secret = Options.Create(new PrivacyOptions
    {
        HmacSecret = Convert.ToBase64String(new byte[32]),
    });

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Issue_ThenRead_SameUserAndTenant()
    {
        var sessions = new UserSessions(Secret, _clock);

        var session = sessions.Issue("demo", "user-1");

        Assert.Equal("user-1", sessions.Read("demo", session.Value)?.UserId);
    }

    [Fact]
    public void Read_AnotherTenant_Nothing()
    {
        var sessions = new UserSessions(Secret, _clock);
        Assert.Null(sessions.Read("other", sessions.Issue("demo", "user-1").Value));
    }

    [Fact]
    public void Read_AfterThirtyMinutes_Nothing()
    {
        var sessions = new UserSessions(Secret, _clock);
        var value = sessions.Issue("demo", "user-1").Value;

        _clock.Advance(UserSessions.Lifetime);

        Assert.Null(sessions.Read("demo", value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData("!!!.sig")]
    public void Read_Garbage_Nothing(string? value) => Assert.Null(new UserSessions(Secret, _clock).Read("demo", value));

    [Fact]
    public void Read_TamperedPayload_Nothing()
    {
        var sessions = new UserSessions(Secret, _clock);
        var value = sessions.Issue("demo", "user-1").Value;
        var forged = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(
            Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(value[..value.IndexOf('.', StringComparison.Ordinal)]).Replace("user-1", "user-2", StringComparison.Ordinal))
            + value[value.IndexOf('.', StringComparison.Ordinal)..];

        Assert.Null(sessions.Read("demo", forged));
    }

    [Fact]
    public void Read_SignedWithAnotherSecret_Nothing()
    {
        var other = Options.Create(new PrivacyOptions { HmacSecret = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()) });
        Assert.Null(new UserSessions(Secret, _clock).Read("demo", new UserSessions(other, _clock).Issue("demo", "u").Value));
    }

    [Fact]
    public void AntiForgeryToken_BoundToTheSession()
    {
        var sessions = new UserSessions(Secret, _clock);
        var a = sessions.Issue("demo", "user-1");
        var b = sessions.Issue("demo", "user-1");

        Assert.True(sessions.IsValidAntiForgeryToken(a, sessions.AntiForgeryToken(a)));
        Assert.False(sessions.IsValidAntiForgeryToken(a, sessions.AntiForgeryToken(b)));
        Assert.False(sessions.IsValidAntiForgeryToken(a, null));
    }
}
