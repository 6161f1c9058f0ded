using System.Net;
using System.Text.RegularExpressions;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Status;

/// <summary>
/// "Check again" with the development provider (oidc-provider, on another site) and partner service:
/// a partner step asks the partner only; a membership step goes through the provider silently, which
/// answers without a page because the person's session there is still open.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed partial class CheckAgainDevProviderTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    private async Task<(HttpResponseMessage Check, Browser Browser)> SignInAndCheckAsync(string account, Func<Task>? between = null)
    {
        var browser = new Browser("text/html");
        using var page = await browser.SignInAsync(Service.BaseUrl, "demo", account);
        var csrf = CheckForm().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(csrf);
        if (between is not null)
        {
            await between();
        }

        var check = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/demo/me/check"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = csrf }),
        });
        return (check, browser);
    }

    [Fact]
    public async Task Dave_LinksTerrascope_CheckAgainAsksThePartner_NotTheProvider_AndShowsTheChange()
    {
        try
        {
            var (check, browser) = await SignInAndCheckAsync("dave", () => DevPartner.SetLinkedAsync("dave", linked: true));
            using var _ = browser;
            using var __ = check;

            Assert.Equal(HttpStatusCode.SeeOther, check.StatusCode);
            Assert.Equal("/api/tenants/demo/me?checked=1&changed=" + Uri.EscapeDataString("terrascope:ActionRequired:Done"),
                check.Headers.Location!.OriginalString);
            using var page = await browser.GetAsync(new Uri(Service.BaseUrl, check.Headers.Location));
            var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
            Assert.Contains("Terrascope: To do → Done", html, StringComparison.Ordinal);
            Assert.Contains("You are all set", html, StringComparison.Ordinal);
        }
        finally
        {
            await DevPartner.SetLinkedAsync("dave", linked: false);
        }
    }

    [Fact]
    public async Task Bob_NotAMember_CheckAgainGoesThroughTheProviderSilently_NothingChangedYet()
    {
        var (check, browser) = await SignInAndCheckAsync("bob");
        using var _ = browser;
        using var __ = check;

        Assert.Equal(HttpStatusCode.Redirect, check.StatusCode);
        var authorize = check.Headers.Location!;
        Assert.StartsWith(TestEnvironment.IdpBaseUrl + "/realms/demo/", authorize.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("none", System.Web.HttpUtility.ParseQueryString(authorize.Query)["prompt"]);

        var (page, url) = await browser.FollowAsync(authorize);
        using var ___ = page;
        Assert.Equal("/api/tenants/demo/me", url.AbsolutePath);
        Assert.Equal("?checked=1", url.Query);
        Assert.Contains("Nothing has changed yet", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("action=\"/api/tenants/demo/me/check\"[^>]*>\\s*<input type=\"hidden\" name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CheckForm();
}
