using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Common;
using Onboarding.Functions.Staff;
using Onboarding.Staff;

namespace Onboarding.Tests.Staff;

/// <summary>
/// Which GETs of the staff page may run an audited look-up with the (Lax) staff cookie: those the
/// browser says come from the service's own pages, or typed; without Fetch Metadata, the page's link token.
/// </summary>
public sealed class LookUpOriginTests
{
    private static readonly IOptions<PrivacyOptions> Secret = Options.Create(new PrivacyOptions
    {
        HmacSecret = Convert.ToBase64String(new byte[32]),
    });

    [Theory]
    [InlineData("same-origin")]
    [InlineData("none")]
    public void SameOriginOrTyped_Runs_WithoutAskingForTheToken(string site) =>
        Assert.Null(LookUpOrigin.RefusalOf(site, () => throw new InvalidOperationException("the token is not needed")));

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public void FromAnotherSite_Refused_EvenWithAValidToken(string site) =>
        Assert.Equal($"Sec-Fetch-Site is {site}", LookUpOrigin.RefusalOf(site, () => true));

    [Theory]
    [InlineData("Same-Origin")]
    [InlineData("same-origin, cross-site")]
    [InlineData("")]
    public void AnUnknownValue_Refused_WithoutEchoingIt(string site)
    {
        var reason = LookUpOrigin.RefusalOf(site, () => true);
        Assert.Equal("Sec-Fetch-Site has an unknown value", reason);
    }

    [Fact]
    public void NoFetchMetadata_OnlyWithAValidLinkToken()
    {
        Assert.Null(LookUpOrigin.RefusalOf(null, () => true));
        Assert.Equal("no Sec-Fetch-Site and no valid link token", LookUpOrigin.RefusalOf(null, () => false));
    }

    [Fact]
    public void LinkToken_BoundToTheSession_AndNotTheFormsAntiForgeryToken()
    {
        var sessions = new StaffSessions(Secret, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var session = sessions.Issue("demo", "carol", "at-carol", DateTimeOffset.UnixEpoch.AddHours(1));
        var another = sessions.Issue("demo", "carol", "at-carol", DateTimeOffset.UnixEpoch.AddHours(1));

        var token = sessions.LinkToken(session);

        Assert.True(sessions.IsValidLinkToken(session, token));
        Assert.False(sessions.IsValidLinkToken(another, token));
        Assert.False(sessions.IsValidLinkToken(session, null));
        // A link token ends up in addresses: it must never pass as the token that lets a form erase someone.
        Assert.NotEqual(sessions.AntiForgeryToken(session), token);
        Assert.False(sessions.IsValidAntiForgeryToken(session, token));
        Assert.False(sessions.IsValidLinkToken(session, sessions.AntiForgeryToken(session)));
    }
}
