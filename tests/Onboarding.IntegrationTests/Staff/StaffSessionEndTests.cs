using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// Staff sessions end: a role removed or a token revoked at the provider takes effect within a
/// minute, a sign-out revokes the session's token (so a copied cookie stops working), and no session
/// outlives its access token. On a fake clock shared by the service and the provider.
/// </summary>
public sealed partial class StaffSessionEndTests : TestProviderTests
{
    private const string Support = "urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override TimeProvider Clock => _clock;

    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.DrainUptake.Disabled"] = "true",
        ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
    };

    protected override TenantDocument Tenant(TestOidcProvider provider) => TestTenants.Rp(provider) with
    {
        Staff = new StaffDocument { Support = [Support] },
    };

    [Fact]
    public async Task RoleRemovedAtTheProvider_StaffPageRefusedWithinAMinute()
    {
        using var browser = await SignInAsStaffAsync();
        Provider.Entitlements = [];

        using (var cached = await StaffPageAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode); // the provider's answer of a moment ago
        }

        _clock.Advance(BearerMaxCache + TimeSpan.FromSeconds(1));
        using var refused = await StaffPageAsync(browser);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("Signed in as staff", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRevokedAtTheProvider_SessionEndsWithinAMinute_AndSaysSignInAgain()
    {
        using var browser = await SignInAsStaffAsync();
        Provider.RevokedTokens.Add("at-" + Provider.Subject);

        _clock.Advance(BearerMaxCache + TimeSpan.FromSeconds(1));
        using var ended = await StaffPageAsync(browser);

        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Contains("staff session has ended", await ended.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Staff session in tenant rp ended", Service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedStaffForm_IsRefusedBeforeTheSessionGoesToTheProvider()
    {
        using var browser = await SignInAsStaffAsync();
        // The session's token is no longer good: a check at the provider would end the session (401).
        Provider.RevokedTokens.Add("at-" + Provider.Subject);
        _clock.Advance(BearerMaxCache + TimeSpan.FromSeconds(1));

        using var forged = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/rp/staff"))
        {
            Content = new FormUrlEncodedContent([new("csrf", "forged"), new("user", "someone"), new("action", "recheck")]),
        });

        // Refused for what it is, a form from another page, without asking the provider anything.
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("This form came from another page", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Form (staff) in tenant rp refused", Service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Staff session in tenant rp ended", Service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_RevokesTheToken_ACopiedCookieStopsWorking_AtOnce()
    {
        using var browser = await SignInAsStaffAsync();
        var copied = StaffCookie(browser);
        using var signOut = await SignOutAsync(browser);

        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Contains("at-" + Provider.Subject, Provider.RevokedTokens);
        using var replay = await WithCookieAsync(copied);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task SignOut_ProviderWithoutRevocation_StillEndsTheSessionHere_AndSaysSoInTheLog()
    {
        Provider.OffersRevocation = false;
        using var browser = await SignInAsStaffAsync();
        var copied = StaffCookie(browser);
        using var signOut = await SignOutAsync(browser);

        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Empty(Provider.RevokedTokens);
        Assert.Contains("has no revocation endpoint", Service.Logs.All, StringComparison.Ordinal);
        // Refused here for the rest of the session's life, even after the claims cache would have expired.
        _clock.Advance(TimeSpan.FromMinutes(30));
        using var replay = await WithCookieAsync(copied);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task Session_NeverOutlivesItsAccessToken()
    {
        Provider.AccessTokenLifetimeSeconds = 600;
        using var browser = await SignInAsStaffAsync();

        _clock.Advance(TimeSpan.FromSeconds(599));
        using (var before = await StaffPageAsync(browser))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Contains("Signed in as staff", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        using var after = await StaffPageAsync(browser);
        Assert.Contains("Staff sign-in", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BearerTokenRevokedAtTheProvider_RefusedWithinAMinute()
    {
        using var browser = await SignInAsStaffAsync();
        using var http = new HttpClient();
        var token = "at-" + Provider.Subject;
        using (var allowed = await SupportCallAsync(http, token))
        {
            Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode); // allowed in, and no such user
        }

        Provider.RevokedTokens.Add(token);
        _clock.Advance(BearerMaxCache + TimeSpan.FromSeconds(1));

        using var refused = await SupportCallAsync(http, token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // openEO's TokenInvalid
        Assert.Contains("\"code\":\"TokenInvalid\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The page's own sign-out form, with its anti-forgery token.</summary>
    private async Task<HttpResponseMessage> SignOutAsync(Browser browser)
    {
        using var page = await StaffPageAsync(browser);
        var csrf = AntiForgeryToken().Match(await page.Content.ReadAsStringAsync()).Groups["token"].Value;
        return await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/rp/logout"))
        {
            Content = new FormUrlEncodedContent([new("csrf", csrf)]),
        });
    }

    private static TimeSpan BearerMaxCache => Onboarding.SignIn.BearerAuthenticator.MaxCacheTime;

    private Task<HttpResponseMessage> SupportCallAsync(HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/support/users/00000000000000000000000000000000"));
        request.Headers.Authorization = new("Bearer", token);
        return http.SendAsync(request);
    }

    private async Task<Browser> SignInAsStaffAsync()
    {
        Provider.Entitlements = [Support];
        var browser = new Browser("text/html");
        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login?for=staff"));
        using (page)
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Signed in as staff: support", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        return browser;
    }

    private Task<HttpResponseMessage> StaffPageAsync(Browser browser) =>
        browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/staff"));

    private static string StaffCookie(Browser browser) =>
        browser.Cookies.GetAllCookies().Single(c => c.Name == "onboarding-staff-rp").Value;

    private async Task<HttpResponseMessage> WithCookieAsync(string staffCookie)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/staff"));
        request.Headers.Add("Cookie", $"onboarding-staff-rp={staffCookie}");
        request.Headers.Accept.ParseAdd("text/html");
        return await http.SendAsync(request);
    }

    [GeneratedRegex("class=\"sign-out\">\\s*<input type=\"hidden\" name=\"csrf\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiForgeryToken();
}
