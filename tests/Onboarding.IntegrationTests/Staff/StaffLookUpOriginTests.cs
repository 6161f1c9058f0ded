using System.Net;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// The staff cookie is SameSite=Lax, so it comes along when a link on another site is followed. The
/// staff page searches by a form posted with the session's anti-forgery token, and redirects to an
/// address that holds neither that token nor what was searched: only <c>q</c>, the look-up sealed to
/// the session. A GET runs a look-up (and writes an audit entry) only from such a <c>q</c>, and never
/// when the browser says it comes from another site; a look-up in the address (<c>?email=</c>) never runs.
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

    /// <summary>Every look-up the staff page once ran from its address.</summary>
    private static readonly string[] InAddress = ["email=" + Uri.EscapeDataString(BobEmail), "user={bob}", "user={bob}&confirm=erase", "country=DE", "institution=uni-bonn.de"];

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    [InlineData("same-origin")]
    [InlineData("none")]
    [InlineData(null)]
    public async Task ALookUpInTheAddress_NeverRuns_WhereverTheLinkWas_NoAuditEntry_SaysWhy_Logged(string? site)
    {
        using var staff = await SignInAsStaffAsync();
        foreach (var lookUp in InAddress)
        {
            var audited = await AuditCountAsync();
            var logged = Service.Logs.Lines.Count;

            using var response = await GetStaffPageAsync(staff, lookUp, site);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            AssertNotRun(html);
            Assert.Equal(audited, await AuditCountAsync());
            var refusal = Assert.Single(Service.Logs.Lines.Skip(logged), l => l.Contains("Staff look-up", StringComparison.Ordinal));
            Assert.Contains("a look-up in the address", refusal, StringComparison.Ordinal);
            Assert.DoesNotContain(BobEmail, refusal, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task TheSearchForm_RedirectsToAnAddressWithoutTheTokenOrTheEmail_ThatRunsTheSearch_AndItsLinksToo_EachAudited()
    {
        using var staff = await SignInAsStaffAsync();
        var audited = await AuditCountAsync();
        var csrf = await SearchFormTokenAsync(staff);

        var results = await SearchAsync(staff, csrf, ("email", BobEmail));

        Assert.StartsWith("/api/tenants/demo/staff?q=", results, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(csrf), results, StringComparison.Ordinal);
        Assert.DoesNotContain("csrf", results, StringComparison.Ordinal);
        Assert.DoesNotContain("bob", results, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("uni-bonn", results, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(audited, await AuditCountAsync()); // the POST only makes the look-up

        using var page = await GetAsync(staff, results, "same-origin");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("class=\"results\"", html, StringComparison.Ordinal);
        Assert.Contains(BobEmail, html, StringComparison.Ordinal);
        Assert.Contains("1 person found", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{BobEmail}\"", html, StringComparison.Ordinal); // the form keeps the search, to change it
        Assert.Equal(audited + 1, await AuditCountAsync());

        var userLink = WebUtility.HtmlDecode(UserLink().Match(html).Groups["href"].Value);
        Assert.Matches("^/api/tenants/demo/staff\\?q=[^&]+$", userLink);
        Assert.DoesNotContain(BobId, userLink, StringComparison.Ordinal);
        using var user = await GetAsync(staff, userLink, "same-origin");
        var view = await user.Content.ReadAsStringAsync();
        Assert.Contains($"data-user=\"{BobId}\"", view, StringComparison.Ordinal);
        var eraseLink = WebUtility.HtmlDecode(EraseLink().Match(view).Groups["href"].Value);
        using var confirm = await GetAsync(staff, eraseLink, "same-origin");
        Assert.Contains("Yes, erase", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(audited + 3, await AuditCountAsync()); // search, view, view (before confirming)
        Assert.DoesNotContain(Service.Logs.Lines, l => l.Contains(BobEmail, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task AGenuineLookUp_FollowedFromAnotherSite_NotRun(string site)
    {
        using var staff = await SignInAsStaffAsync();
        var results = await SearchAsync(staff, await SearchFormTokenAsync(staff), ("email", BobEmail));
        var (audited, logged) = (await AuditCountAsync(), Service.Logs.Lines.Count);

        using var page = await GetAsync(staff, results, site);

        AssertNotRun(await page.Content.ReadAsStringAsync());
        Assert.Equal(audited, await AuditCountAsync());
        Assert.Contains($"Sec-Fetch-Site is {site}", Assert.Single(Service.Logs.Lines.Skip(logged), l => l.Contains("Staff look-up", StringComparison.Ordinal)),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALookUpOfAnotherSession_NotRun_EvenTyped_ButAnOldBrowserWithoutFetchMetadataRunsItsOwn()
    {
        using var carol = await SignInAsStaffAsync();
        var results = await SearchAsync(carol, await SearchFormTokenAsync(carol), ("email", BobEmail));
        using var again = await SignInAsStaffAsync(); // the same person's next session, or a colleague who was sent the link
        var audited = await AuditCountAsync();

        using (var shared = await GetAsync(again, results, "none"))
        {
            AssertNotRun(await shared.Content.ReadAsStringAsync());
        }

        using (var forged = await GetAsync(carol, results[..^3] + "AAA", "same-origin"))
        {
            AssertNotRun(await forged.Content.ReadAsStringAsync());
        }

        Assert.Equal(audited, await AuditCountAsync());
        Assert.Contains(Service.Logs.Lines, l => l.Contains("no look-up sealed to this session", StringComparison.Ordinal));

        using var old = await GetAsync(carol, results, site: null);
        Assert.Contains(BobEmail, await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(audited + 1, await AuditCountAsync());
    }

    [Fact]
    public async Task ASearchPostedWithoutTheFormsToken_RunsNothing_AndABadSearchSaysWhatIsWrong()
    {
        using var staff = await SignInAsStaffAsync();
        var audited = await AuditCountAsync();

        using var forged = await PostSearchAsync(staff, "forged", ("email", BobEmail));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(BobEmail, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var csrf = await SearchFormTokenAsync(staff);
        foreach (var (fields, problem) in new[]
                 {
                     (new[] { ("email", BobEmail), ("country", "DE") }, "Fill in one field"),
                     (new[] { ("institution", "uni bonn") }, "An institution is found by the start of its domain"),
                     (new[] { ("country", "Germany") }, "A country is its two-letter code"),
                 })
        {
            using var post = await PostSearchAsync(staff, csrf, fields);
            Assert.Equal(HttpStatusCode.SeeOther, post.StatusCode);
            Assert.Matches("^/api/tenants/demo/staff\\?problem=[a-z-]+$", post.Headers.Location!.OriginalString);
            using var page = await GetAsync(staff, post.Headers.Location!.OriginalString, "same-origin");
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains(problem, html, StringComparison.Ordinal);
            Assert.Contains("Nothing was searched.", html, StringComparison.Ordinal);
        }

        Assert.Equal(audited, await AuditCountAsync());
    }

    [Fact]
    public async Task AfterARecheck_TheRedirectBackToTheUserIsASealedLookUp()
    {
        using var staff = await SignInAsStaffAsync();
        var results = await SearchAsync(staff, await SearchFormTokenAsync(staff), ("email", BobEmail));
        using var found = await GetAsync(staff, results, "same-origin");
        using var view = await GetAsync(staff, WebUtility.HtmlDecode(UserLink().Match(await found.Content.ReadAsStringAsync()).Groups["href"].Value), "same-origin");
        var csrf = RecheckFormToken().Match(await view.Content.ReadAsStringAsync()).Groups["csrf"].Value;
        Assert.NotEmpty(csrf);

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/demo/staff"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = csrf, ["user"] = BobId, ["action"] = "recheck" }),
        };
        using var redirect = await staff.SendAsync(post);
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var back = redirect.Headers.Location!.OriginalString;
        Assert.DoesNotContain(BobId, back, StringComparison.Ordinal);
        Assert.DoesNotContain("csrf", back, StringComparison.Ordinal);

        // Followed by a browser without Fetch Metadata: the user is shown again, with the notice.
        using var again = await GetAsync(staff, back, site: null);
        var html = await again.Content.ReadAsStringAsync();
        Assert.Contains($"data-user=\"{BobId}\"", html, StringComparison.Ordinal);
        Assert.Contains("Re-checked just now: ", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("support/users?email=bob@uni-bonn.de")]
    [InlineData("support/users/{bob}")]
    public async Task SupportApiLookUp_WithTheStaffCookieAlone_Refused_WhereverFrom_NoAuditEntry(string path)
    {
        using var staff = await SignInAsStaffAsync();
        var audited = await AuditCountAsync();

        foreach (var site in new[] { "cross-site", "none", "same-origin" })
        {
            using var response = await GetAsync(staff, "/api/tenants/demo/" + path.Replace("{bob}", BobId, StringComparison.Ordinal), site);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.DoesNotContain(BobEmail, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(audited, await AuditCountAsync());
    }

    [Fact]
    public async Task TheResultsCsvLink_RunsWithTheCookie_OnlyFromThePage()
    {
        using var staff = await SignInAsStaffAsync();
        var results = await SearchAsync(staff, await SearchFormTokenAsync(staff), ("email", BobEmail));
        using var page = await GetAsync(staff, results, "same-origin");
        var csv = WebUtility.HtmlDecode(CsvLink().Match(await page.Content.ReadAsStringAsync()).Groups["href"].Value);
        Assert.Matches("^/api/tenants/demo/support/users\\?q=[^&]+&format=csv$", csv);
        var audited = await AuditCountAsync();

        using (var crossSite = await GetAsync(staff, csv, "cross-site"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        }

        Assert.Equal(audited, await AuditCountAsync());
        using var download = await GetAsync(staff, csv, "same-origin");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Contains(BobEmail, await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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
        var csrf = await SearchFormTokenAsync(browser);

        using var found = await GetAsync(browser, await SearchAsync(browser, csrf, ("email", lookAlike)), "same-origin");

        var html = await found.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Matches("<bdi>(\u0430|&#x430;)lice@vito.be</bdi>", html); // written as is or as a character reference
        Assert.Contains("mixed scripts", html, StringComparison.Ordinal);
        using var genuine = await GetAsync(browser, await SearchAsync(browser, csrf, ("email", BobEmail)), "same-origin");
        Assert.DoesNotContain("mixed scripts", await genuine.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static void AssertNotRun(string html)
    {
        Assert.Contains("This look-up was not run", html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/api/tenants/demo/staff\" class=\"search\"", html, StringComparison.Ordinal); // to search on purpose
        Assert.DoesNotContain("class=\"results\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-user=", html, StringComparison.Ordinal);
        Assert.DoesNotContain(BobEmail, html, StringComparison.OrdinalIgnoreCase);
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

    private Task<string> SearchFormTokenAsync(Browser browser) => StaffForms.TokenAsync(browser, Service.BaseUrl, "demo");

    private Task<string> SearchAsync(Browser browser, string csrf, params (string Field, string Value)[] fields) =>
        StaffForms.SearchAsync(browser, Service.BaseUrl, "demo", csrf, fields);

    private Task<HttpResponseMessage> PostSearchAsync(Browser browser, string csrf, params (string Field, string Value)[] fields) =>
        StaffForms.PostSearchAsync(browser, Service.BaseUrl, "demo", csrf, fields);

    private Task<HttpResponseMessage> GetStaffPageAsync(Browser browser, string query, string? site) =>
        GetAsync(browser, "/api/tenants/demo/staff" + (query.Length == 0 ? "" : "?" + query.Replace("{bob}", BobId, StringComparison.Ordinal)), site);

    private Task<HttpResponseMessage> GetAsync(Browser browser, string path, string? site) => StaffForms.GetAsync(browser, Service.BaseUrl, path, site);

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

    [GeneratedRegex("<table class=\"results\">.*?<tbody>.*?<a href=\"(?<href>[^\"]+)\"", RegexOptions.Singleline)]
    private static partial Regex UserLink();

    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\">Erase this user")]
    private static partial Regex EraseLink();

    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\" download>Download all of them as CSV")]
    private static partial Regex CsvLink();

    [GeneratedRegex("<form method=\"post\" action=\"/api/tenants/demo/staff\">\\s*<input type=\"hidden\" name=\"csrf\" value=\"(?<csrf>[^\"]+)\"")]
    private static partial Regex RecheckFormToken();
}
