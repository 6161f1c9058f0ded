using System.Net;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Pages;

/// <summary>
/// What the Content-Security-Policy needs of every page: no inline style or script, the one
/// stylesheet from the Asset function; and the plain words the pages now carry.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class PageMarkupTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    [Fact]
    public async Task Asset_ServesTheStylesheet_Cached_AndOnlyKnownNames()
    {
        using var browser = new Browser("text/css");

        using (var css = await browser.GetAsync(new Uri(Service.BaseUrl, "api/assets/site.css")))
        {
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", css.Content.Headers.ContentType?.CharSet);
            Assert.Equal("public, max-age=3600", css.Headers.CacheControl?.ToString());
            Assert.Contains(".series-0", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        foreach (var name in new[] { "other.css", "Site.css", "..%2Fhost.json" })
        {
            using var missing = await browser.GetAsync(new Uri(Service.BaseUrl, "api/assets/" + name));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
    }

    [Fact]
    public async Task StatusPage_HasTheLayout_NoInlineStyleOrScript_AndExplainsThePartnerLogin()
    {
        using var browser = new Browser("text/html");

        // dave is in the VO without the Terrascope link: the partner step is to do.
        using var page = await browser.SignInAsync(Service.BaseUrl, "demo", "dave");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.StartsWith("<!doctype html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/api/assets/site.css\">", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"site-name\">Platform demo</p>", html, StringComparison.Ordinal);
        AssertNoInlineStyleOrScript(html);
        Assert.Contains("this links your Terrascope account to your research login", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorPage_OffersSignInAgainAsAButton_NoInlineStyleOrScript()
    {
        using var browser = new Browser("text/html");
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "demo", "olivia");
        var state = System.Web.HttpUtility.ParseQueryString(callback.Query)["state"];

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, $"api/tenants/demo/callback?error=access_denied&state={state}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<a class=\"button\" href=\"/api/tenants/demo/login\">Sign in again</a>", html, StringComparison.Ordinal);
        Assert.Contains("<main class=\"error\">", html, StringComparison.Ordinal);
        AssertNoInlineStyleOrScript(html);
    }

    private static void AssertNoInlineStyleOrScript(string html)
    {
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\son[a-z]+=", html);
    }
}
