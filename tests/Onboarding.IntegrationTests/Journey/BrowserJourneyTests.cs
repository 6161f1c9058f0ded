using System.Net;
using System.Text.RegularExpressions;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Journey;

/// <summary>
/// The journey a browser takes after the provider (on another site) sends it back: never a page at
/// the callback address, the status page before the return for people who are not ready, sign-out.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed partial class BrowserJourneyTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    private Uri Me(string tenant) => new(Service.BaseUrl, $"api/tenants/{tenant}/me");

    [Fact]
    public async Task Callback_InABrowser_SeeOtherToTheStatusPage_NoCodeOrStateInTheAddress_ReloadWorks()
    {
        using var browser = new Browser("text/html");
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "demo", "bob");

        using var atCallback = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.SeeOther, atCallback.StatusCode);
        Assert.Equal(Me("demo").AbsolutePath, atCallback.Headers.Location!.OriginalString);
        foreach (var _ in new[] { "first", "reload" })
        {
            using var page = await browser.GetAsync(Me("demo"));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("bob@uni-bonn.de", html, StringComparison.Ordinal);
            Assert.Contains("data-step=\"membership\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NotReady_WithReturnTo_SeesTheNextStepAndAContinueLink_NotSentStraightBack()
    {
        using var browser = new Browser("text/html");
        const string back = "https://editor.openeo.cloud/#/welcome";

        var (page, url) = await browser.FollowAsync(new Uri(Service.BaseUrl,
            "api/tenants/demo/login?login_hint=bob&return_to=" + Uri.EscapeDataString(back)));

        Assert.Equal(Me("demo").AbsolutePath, url.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("href=\"https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud\"", html, StringComparison.Ordinal);
        Assert.Matches(ContinueLink(), html);
        Assert.Contains($"href=\"{back}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_WithReturnTo_GoesStraightBack()
    {
        using var browser = new Browser("text/html");
        var back = new Uri(Service.BaseUrl, "api/health").AbsoluteUri;
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "demo", "alice", back);

        using var response = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(back, response.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task StatusPage_ReturnToOfAnotherSite_Refused()
    {
        using var browser = new Browser("text/html");
        await browser.SignInAsync(Service.BaseUrl, "demo", "bob");

        using var response = await browser.GetAsync(new Uri(Me("demo") + "?return_to=" + Uri.EscapeDataString("https://evil.example/")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadyPerson_StatusPage_LinksOnToThePlatform()
    {
        using var browser = new Browser("text/html");

        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?login_hint=alice"));

        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("href=\"https://editor.openeo.cloud/\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_EndsTheSession_ThenSendsTheBrowserToTheProvidersEndSession()
    {
        using var browser = new Browser("text/html");
        await browser.SignInAsync(Service.BaseUrl, "demo", "bob");
        var token = await SignOutToken(browser, Me("demo"));

        using var response = await browser.SendAsync(SignOut("demo", token));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith($"{TestEnvironment.IdpBaseUrl}/realms/demo/protocol/openid-connect/logout?", location.AbsoluteUri, StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("onboarding-demo", query["client_id"]);
        Assert.Equal(new Uri(Service.BaseUrl, "api/tenants/demo/signed-out").AbsoluteUri, query["post_logout_redirect_uri"]);
        using var after = await browser.GetAsync(Me("demo"));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task SignOut_WithAnotherPagesToken_Refused_StillSignedIn()
    {
        using var browser = new Browser("text/html");
        await browser.SignInAsync(Service.BaseUrl, "demo", "bob");

        using var response = await browser.SendAsync(SignOut("demo", "forged"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var after = await browser.GetAsync(Me("demo"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task SignedOutPage_OffersSignInAgainAndAnotherAccount()
    {
        using var browser = new Browser("text/html");

        using var page = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/signed-out"));

        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("href=\"/api/tenants/demo/login\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/tenants/demo/login?prompt=select_account\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseAnotherAccount_AsksTheProviderToPromptForLogin()
    {
        using var browser = new Browser("text/html");

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?prompt=login"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("login", System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query)["prompt"]);
    }

    [Fact]
    public async Task JsonClient_KeepsTodaysAnswer()
    {
        using var browser = new Browser();

        using var response = await browser.SignInAsync(Service.BaseUrl, "demo", "bob");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    private HttpRequestMessage SignOut(string tenant, string token) =>
        new(HttpMethod.Post, new Uri(Service.BaseUrl, $"api/tenants/{tenant}/logout"))
        {
            Content = new FormUrlEncodedContent([new("csrf", token)]),
        };

    /// <summary>The anti-forgery token of the sign-out form on a page.</summary>
    public static async Task<string> SignOutToken(Browser browser, Uri page)
    {
        using var response = await browser.GetAsync(page);
        var html = await response.Content.ReadAsStringAsync();
        var form = SignOutForm().Match(html);
        Assert.True(form.Success, "no sign-out form on " + page);
        return WebUtility.HtmlDecode(form.Groups["csrf"].Value);
    }

    [GeneratedRegex("<form[^>]*action=\"/api/tenants/[a-z]+/logout\"[^>]*>.*?name=\"csrf\" value=\"(?<csrf>[^\"]+)\"", RegexOptions.Singleline)]
    private static partial Regex SignOutForm();

    [GeneratedRegex(">Continue to [^<]+</a>")]
    private static partial Regex ContinueLink();
}
