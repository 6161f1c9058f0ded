using System.Net;
using System.Text.RegularExpressions;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>The staff page's search form, as a browser uses it: read its anti-forgery token, post it, follow the redirect.</summary>
public static partial class StaffForms
{
    /// <summary>The anti-forgery token of the staff page's search form.</summary>
    public static async Task<string> TokenAsync(Browser browser, Uri service, string tenant)
    {
        using var page = await GetAsync(browser, service, $"/api/tenants/{tenant}/staff", "same-origin");
        var token = SearchFormToken().Match(await page.Content.ReadAsStringAsync()).Groups["token"].Value;
        Assert.NotEmpty(token);
        return token;
    }

    /// <summary>Posts the search form with <paramref name="csrf"/> and the fields given (the others empty).</summary>
    public static Task<HttpResponseMessage> PostSearchAsync(Browser browser, Uri service, string tenant, string csrf,
        params (string Field, string Value)[] fields)
    {
        var form = new Dictionary<string, string> { ["csrf"] = csrf, ["action"] = "search", ["email"] = "", ["institution"] = "", ["country"] = "" };
        foreach (var (field, value) in fields)
        {
            form[field] = value;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(service, $"api/tenants/{tenant}/staff")) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        return browser.SendAsync(request);
    }

    /// <summary>Posts the search form; returns the address of the results it redirects to.</summary>
    public static async Task<string> SearchAsync(Browser browser, Uri service, string tenant, string csrf, params (string Field, string Value)[] fields)
    {
        using var post = await PostSearchAsync(browser, service, tenant, csrf, fields);
        Assert.Equal(HttpStatusCode.SeeOther, post.StatusCode);
        return post.Headers.Location!.OriginalString;
    }

    /// <summary>Searches as a person at the page would (token, post, redirect) and returns the results page.</summary>
    public static async Task<string> ResultsAsync(Browser browser, Uri service, string tenant, params (string Field, string Value)[] fields)
    {
        var results = await SearchAsync(browser, service, tenant, await TokenAsync(browser, service, tenant), fields);
        using var page = await GetAsync(browser, service, results, "same-origin");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }

    /// <summary>A GET of the service with the Fetch Metadata a browser would send (none when <paramref name="site"/> is null).</summary>
    public static Task<HttpResponseMessage> GetAsync(Browser browser, Uri service, string path, string? site)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service, path));
        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        return browser.SendAsync(request);
    }

    [GeneratedRegex("<form method=\"post\" action=\"/api/tenants/[a-z0-9-]+/staff\" class=\"search\" role=\"search\">\\s*<input type=\"hidden\" name=\"csrf\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex SearchFormToken();
}
