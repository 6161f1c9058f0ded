using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Onboarding.Common;
using Onboarding.Functions.Staff;
using Onboarding.Staff;

namespace Onboarding.Tests.Staff;

/// <summary>
/// Which GETs of the staff page may run an audited look-up with the (Lax) staff cookie: only a look-up
/// the page sealed to this session, and never one the browser says comes from another site.
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
    [InlineData(null)]
    public void SameOriginTypedOrNoFetchMetadata_RunsOnlyASealedLookUp(string? site)
    {
        Assert.Null(LookUpOrigin.RefusalOf(site, sealedToThisSession: true));
        Assert.Equal("no look-up sealed to this session (another session's, expired, or none)", LookUpOrigin.RefusalOf(site, sealedToThisSession: false));
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public void FromAnotherSite_Refused_EvenWithAGenuineLookUp(string site) =>
        Assert.Equal($"Sec-Fetch-Site is {site}", LookUpOrigin.RefusalOf(site, sealedToThisSession: true));

    [Theory]
    [InlineData("Same-Origin")]
    [InlineData("same-origin, cross-site")]
    [InlineData("")]
    public void AnUnknownValue_Refused_WithoutEchoingIt(string site) =>
        Assert.Equal("Sec-Fetch-Site has an unknown value", LookUpOrigin.RefusalOf(site, sealedToThisSession: true));

    [Fact]
    public void ALookUp_OpensOnlyInTheSessionItWasSealedTo_AndHidesWhatItLooksUp()
    {
        var sessions = new StaffSessions(Secret, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var lookUps = new StaffLookUps(Secret);
        var session = sessions.Issue("demo", "carol", "at-carol", DateTimeOffset.UnixEpoch.AddHours(1));
        var another = sessions.Issue("demo", "carol", "at-carol", DateTimeOffset.UnixEpoch.AddHours(1));

        var value = lookUps.Seal(session, new StaffLookUp("email", "bob@uni-bonn.de"));

        Assert.Equal(new StaffLookUp("email", "bob@uni-bonn.de"), lookUps.Open(session, value));
        Assert.Null(lookUps.Open(another, value)); // the same staff member's next session, or anyone else's
        Assert.Null(lookUps.Open(session, null));
        Assert.Null(lookUps.Open(session, value[..^2] + (value[^2] == 'A' ? "B" : "A") + value[^1]));
        Assert.DoesNotContain("bob", value, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("uni-bonn", value, StringComparison.OrdinalIgnoreCase);
        // A sealed look-up ends up in addresses: it is never the token that lets a form erase someone.
        Assert.False(sessions.IsValidAntiForgeryToken(session, value));
    }
}
