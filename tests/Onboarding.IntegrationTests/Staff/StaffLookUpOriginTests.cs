using System.Net;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// The staff cookie is SameSite=Lax, so it comes along when a link on another site is followed. A GET
/// that looks someone up (and writes an audit entry) runs only when the browser says it comes from
/// the service's own pages (<c>Sec-Fetch-Site: same-origin</c>, or <c>none</c> when typed), or, from a
/// browser that sends no Fetch Metadata, with the link token the staff page puts in its own links.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed partial class StaffLookUpOriginTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private const string BobEmail = "bob@uni-bonn.de";

    private ServiceHost Service => host.Service;

    private static string BobId => UserIds.For($"{TestEnvironment.IdpBaseUrl}/realms/demo", DevPartner.VopersonId("bob"));

    public async ValueTask InitializeAsync()
    {
        using var browser = new Browser();
        using var signIn = await browser.SignInAsync(Service.BaseUrl, "demo", "bob");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Every kind of look-up the staff page runs on a GET.</summary>
    private static readonly string[] LookUps = ["email=" + Uri.EscapeDataString(BobEmail), "user={bob}", "user={bob}&confirm=erase", "country=DE", "institution=uni-bonn.de"];

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task LookUpFromALinkOnAnotherSite_RunsNoSearch_WritesNoAuditEntry_SaysWhy_Logged(string site)
    {
        using var staff = await SignInAsStaffAsync();
        foreach (var lookUp in LookUps)
        {
            var audited = await AuditCountAsync();
            var logged = Service.Logs.Lines.Count;

            using var response = await GetStaffPageAsync(staff, lookUp, site);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("came from a link outside the staff page, so it was not run", html, StringComparison.Ordinal);
            Assert.Contains("<form method=\"get\"", html, StringComparison.Ordinal); // the search form, to search on purpose
            Assert.DoesNotContain("class=\"results\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-user=", html, StringComparison.Ordinal);
            Assert.DoesNotContain(BobEmail, html, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(audited, await AuditCountAsync());
            var refusal = Assert.Single(Service.Logs.Lines.Skip(logged), l => l.Contains("Staff look-up", StringComparison.Ordinal));
            Assert.Contains($"Sec-Fetch-Site is {site}", refusal, StringComparison.Ordinal);
            Assert.DoesNotContain(BobEmail, refusal, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("same-origin")]
    [InlineData("none")]
    public async Task LookUpFromTheServicesOwnPages_OrTyped_Runs_Audited(string site)
    {
        using var staff = await SignInAsStaffAsync();
        var audited = await AuditCountAsync();

        using var byEmail = await GetStaffPageAsync(staff, "email=" + Uri.EscapeDataString(BobEmail), site);
        using var byId = await GetStaffPageAsync(staff, "user={bob}", site);

        var results = await byEmail.Content.ReadAsStringAsync();
        Assert.Contains("class=\"results\"", results, StringComparison.Ordinal);
        Assert.Contains(BobEmail, results, StringComparison.Ordinal);
        Assert.Contains($"data-user=\"{BobId}\"", await byId.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(audited + 2, await AuditCountAsync());
    }

    [Fact]
    public async Task NoFetchMetadata_OnlyWithTheLinkTokenOfThePagesOwnLinks()
    {
        using var staff = await SignInAsStaffAsync();
        var audited = await AuditCountAsync();

        // An old browser following another site's link: no Sec-Fetch-Site, no token.
        using (var bare = await GetStaffPageAsync(staff, "email=" + Uri.EscapeDataString(BobEmail), site: null))
        {
            Assert.Contains("was not run", await bare.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var forged = await GetStaffPageAsync(staff, $"user={{bob}}&csrf=forged", site: null))
        {
            Assert.DoesNotContain("data-user=", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(audited, await AuditCountAsync());

        // The page's own search form carries the token; its result links and the user view's links too.
        using var page = await GetStaffPageAsync(staff, "", site: null);
        var token = SearchFormToken().Match(await page.Content.ReadAsStringAsync()).Groups["token"].Value;
        Assert.NotEmpty(token);
        using var results = await GetStaffPageAsync(staff, $"csrf={token}&email={Uri.EscapeDataString(BobEmail)}&institution=&country=", site: null);
        var html = await results.Content.ReadAsStringAsync();
        Assert.Contains(BobEmail, html, StringComparison.Ordinal);
        var userLink = WebUtility.HtmlDecode(UserLink().Match(html).Groups["href"].Value);
        Assert.Contains("csrf=", userLink, StringComparison.Ordinal);
        using var user = await staff.GetAsync(new Uri(Service.BaseUrl, userLink));
        var view = await user.Content.ReadAsStringAsync();
        Assert.Contains($"data-user=\"{BobId}\"", view, StringComparison.Ordinal);
        var eraseLink = WebUtility.HtmlDecode(EraseLink().Match(view).Groups["href"].Value);
        using var confirm = await staff.GetAsync(new Uri(Service.BaseUrl, eraseLink));
        Assert.Contains("Yes, erase", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(audited + 3, await AuditCountAsync()); // search, view, view (before confirming)
    }

    [Fact]
    public async Task AfterARecheck_TheRedirectBackToTheUserCarriesTheLinkToken()
    {
        using var staff = await SignInAsStaffAsync();
        using var view = await GetStaffPageAsync(staff, "user={bob}", "same-origin");
        var csrf = RecheckFormToken().Match(await view.Content.ReadAsStringAsync()).Groups["csrf"].Value;
        Assert.NotEmpty(csrf);

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/demo/staff"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = csrf, ["user"] = BobId, ["action"] = "recheck" }),
        };
        using var redirect = await staff.SendAsync(post);
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);

        // Followed by a browser without Fetch Metadata: the user is shown again, with the notice.
        using var back = await staff.GetAsync(new Uri(Service.BaseUrl, redirect.Headers.Location!.OriginalString));
        var html = await back.Content.ReadAsStringAsync();
        Assert.Contains($"data-user=\"{BobId}\"", html, StringComparison.Ordinal);
        Assert.Contains("Re-checked just now: ", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("support/users?email=bob@uni-bonn.de")]
    [InlineData("support/users/{bob}")]
    public async Task SupportApiLookUp_WithTheStaffCookie_FromAnotherSite_Refused_NoAuditEntry(string path)
    {
        using var staff = await SignInAsStaffAsync();
        var audited = await AuditCountAsync();

        using var crossSite = await GetAsync(staff, "api/tenants/demo/" + path.Replace("{bob}", BobId, StringComparison.Ordinal), "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.DoesNotContain(BobEmail, await crossSite.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(audited, await AuditCountAsync());

        using var typed = await GetAsync(staff, "api/tenants/demo/" + path.Replace("{bob}", BobId, StringComparison.Ordinal), "none");
        Assert.Equal(HttpStatusCode.OK, typed.StatusCode);
        Assert.Equal(audited + 1, await AuditCountAsync());
    }

    [Fact]
    public async Task ALookAlikeEmail_IsShownDirectionIsolated_AndFlagged()
    {
        const string lookAlike = "\u0430lice@vito.be"; // a Cyrillic а
        var id = UserIds.For("https://seed.example", "look-alike");
        var users = Service.Table("users");
        await users.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        await users.UpsertEntityAsync(new UserEntity
        {
            PartitionKey = UserEntity.PartitionOf("demo", id), RowKey = id, Issuer = "https://seed.example", Subject = "look-alike",
            Email = lookAlike, FirstSignInAt = DateTimeOffset.UtcNow, LastSignInAt = DateTimeOffset.UtcNow, SignInCount = 1,
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
        }, cancellationToken: TestContext.Current.CancellationToken);
        await Service.Services.GetRequiredService<Onboarding.Privacy.EmailIndex>().AddAsync("demo", lookAlike, id, TestContext.Current.CancellationToken);
        using var browser = await SignInAsStaffAsync();

        using var found = await GetStaffPageAsync(browser, "email=" + Uri.EscapeDataString(lookAlike), "same-origin");

        var html = await found.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Matches("<bdi>(\u0430|&#x430;)lice@vito.be</bdi>", html); // written as is or as a character reference
        Assert.Contains("mixed scripts", html, StringComparison.Ordinal);
        using var genuine = await GetStaffPageAsync(browser, "email=" + Uri.EscapeDataString(BobEmail), "same-origin");
        Assert.DoesNotContain("mixed scripts", await genuine.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    /// <summary>A browser (HTML) with carol's staff session of demo.</summary>
    private async Task<Browser> SignInAsStaffAsync()
    {
        var browser = new Browser("text/html");
        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?for=staff&login_hint=carol"));
        using (page)
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Signed in as staff: support", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        return browser;
    }

    private Task<HttpResponseMessage> GetStaffPageAsync(Browser browser, string query, string? site) =>
        GetAsync(browser, "api/tenants/demo/staff" + (query.Length == 0 ? "" : "?" + query.Replace("{bob}", BobId, StringComparison.Ordinal)), site);

    private Task<HttpResponseMessage> GetAsync(Browser browser, string path, string? site)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, path));
        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        return browser.SendAsync(request);
    }

    private async Task<int> AuditCountAsync()
    {
        var count = 0;
        try
        {
            await foreach (var _ in Service.Table("audit").QueryAsync<TableEntity>())
            {
                count++;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
        }

        return count;
    }

    [GeneratedRegex("<form method=\"get\"[^>]*class=\"search\">\\s*<input type=\"hidden\" name=\"csrf\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex SearchFormToken();

    [GeneratedRegex("<table class=\"results\">.*?<a href=\"(?<href>[^\"]+)\"", RegexOptions.Singleline)]
    private static partial Regex UserLink();

    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\">Erase this user")]
    private static partial Regex EraseLink();

    [GeneratedRegex("<form method=\"post\" action=\"/api/tenants/demo/staff\">\\s*<input type=\"hidden\" name=\"csrf\" value=\"(?<csrf>[^\"]+)\"")]
    private static partial Regex RecheckFormToken();
}
