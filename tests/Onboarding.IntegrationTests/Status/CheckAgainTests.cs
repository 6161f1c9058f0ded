using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Status;

/// <summary>
/// The status page's "Check again": fresh entitlements through a silent re-authentication
/// (<c>prompt=none</c>), a normal sign-in when the provider needs the person, once per person per
/// 30 seconds, only from the page's own form; the page then says what changed.
/// </summary>
public sealed partial class CheckAgainTests : TestProviderTests
{
    private const string Member = "urn:mace:egi.eu:group:vo.openeo.cloud:role=30-Day-Trial#aai.egi.eu";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override TimeProvider Clock => _clock;

    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.DrainUptake.Disabled"] = "true",
    };

    private const string Back = "https://editor.openeo.cloud/";

    /// <summary>Signs in (not a member yet); the status page's check form's token.</summary>
    private async Task<(Browser Browser, string Csrf)> SignInAsync()
    {
        var browser = new Browser("text/html");
        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login?return_to=" + Uri.EscapeDataString(Back)));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("action=\"/api/tenants/rp/me/check\"", html, StringComparison.Ordinal);
        return (browser, CheckForm().Match(html).Groups[1].Value);
    }

    private async Task<HttpResponseMessage> CheckAsync(Browser browser, string csrf) =>
        await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/rp/me/check"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = csrf, ["return_to"] = Back }),
        });

    private async Task<(HttpResponseMessage Page, Uri Url)> FollowCheckAsync(Browser browser, string csrf)
    {
        using var check = await CheckAsync(browser, csrf);
        Assert.True((int)check.StatusCode is 302 or 303, $"{check.StatusCode}: {await check.Content.ReadAsStringAsync()}");
        return await browser.FollowAsync(new Uri(Service.BaseUrl, check.Headers.Location!));
    }

    [Fact]
    public async Task MembershipGranted_SilentReauthentication_ShowsWhatChanged_WithoutAskingForCredentials()
    {
        var (browser, csrf) = await SignInAsync();
        using var _ = browser;
        Provider.Entitlements = [Member];

        var (page, url) = await FollowCheckAsync(browser, csrf);

        Assert.Equal(["", "none"], Provider.Prompts.ToArray());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/api/tenants/rp/me", url.AbsolutePath);
        Assert.Contains("checked=1", url.Query, StringComparison.Ordinal);
        Assert.Contains("return_to=" + Uri.EscapeDataString(Back), url.Query, StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("We checked again just now. What changed:", html, StringComparison.Ordinal);
        Assert.Contains("Platform membership: To do → Done", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains($"href=\"{Back}\"", html, StringComparison.Ordinal); // still on the way back to the platform
        var user = Assert.Single(await Service.UsersAsync("rp"));
        Assert.Equal(1, user.SignInCount); // a check is not another sign-in in the uptake (same day)
        Assert.DoesNotContain("Sign-in failed", Service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingChanged_SaysSo()
    {
        var (browser, csrf) = await SignInAsync();
        using var _ = browser;

        var (page, _) = await FollowCheckAsync(browser, csrf);

        Assert.Contains("We checked again just now. Nothing has changed yet.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderNeedsThePerson_FallsBackToANormalSignIn_NotCountedAsAFailure()
    {
        var (browser, csrf) = await SignInAsync();
        using var _ = browser;
        Provider.SilentError = "login_required";
        Provider.Entitlements = [Member];

        var (page, _) = await FollowCheckAsync(browser, csrf);

        Assert.Equal(["", "none", ""], Provider.Prompts.ToArray());
        Assert.Contains("Platform membership: To do → Done", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.DoesNotContain("Sign-in failed", Service.Logs.All, StringComparison.Ordinal);
        Assert.Contains("needs the person at the provider (login_required)", Service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherProviderError_OnTheSilentCheck_IsARefusedSignIn()
    {
        var (browser, csrf) = await SignInAsync();
        using var _ = browser;
        Provider.SilentError = "access_denied";

        var (page, _) = await FollowCheckAsync(browser, csrf);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("The sign-in was cancelled", html, StringComparison.Ordinal);
        // "Sign in again" keeps where the person was going.
        Assert.Contains("href=\"/api/tenants/rp/login?return_to=" + Uri.EscapeDataString(Back) + "\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwiceWithinThirtySeconds_TheSecondWaits_AfterThatItChecks()
    {
        var (browser, csrf) = await SignInAsync();
        using var _ = browser;
        var (first, _) = await FollowCheckAsync(browser, csrf);
        csrf = CheckForm().Match(await first.Content.ReadAsStringAsync()).Groups[1].Value; // the check signed in afresh: a new session

        var (soon, soonUrl) = await FollowCheckAsync(browser, csrf);
        Assert.Contains("checked=wait", soonUrl.Query, StringComparison.Ordinal);
        Assert.Contains("You checked a moment ago", await soon.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, Provider.Prompts.Count); // the sign-in and the first check only

        _clock.Advance(TimeSpan.FromSeconds(31));
        (await FollowCheckAsync(browser, csrf)).Page.Dispose();
        Assert.Equal(3, Provider.Prompts.Count);
    }

    [Fact]
    public async Task FormFromAnotherPage_Refused_NothingAsked()
    {
        var (browser, _) = await SignInAsync();
        using var __ = browser;

        using var forged = await CheckAsync(browser, "forged");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("came from another page, so nothing was done", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(Provider.Prompts);
    }

    [Fact]
    public async Task WithoutASession_TheSignInPage()
    {
        using var browser = new Browser("text/html");

        using var response = await CheckAsync(browser, "any");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("You are not signed in", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Provider.Prompts);
    }

    [GeneratedRegex("action=\"/api/tenants/rp/me/check\"[^>]*>\\s*<input type=\"hidden\" name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CheckForm();
}
