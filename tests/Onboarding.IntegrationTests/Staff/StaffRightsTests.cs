using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// Operators see who holds which staff right: the roles each staff member's entitlements gave at their
/// last sign-in or call, and since when, so that a role removed at the provider can be seen to have
/// taken effect. On a fake clock shared by the service and the provider.
/// </summary>
public sealed partial class StaffRightsTests : TestProviderTests
{
    private const string Support = "urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu";
    private const string Operator = "urn:mace:egi.eu:group:vo.openeo.cloud:role=operator#aai.egi.eu";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    protected override TimeProvider Clock => _clock;

    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.DrainUptake.Disabled"] = "true",
        ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
    };

    protected override TenantDocument Tenant(TestOidcProvider provider) => TestTenants.Rp(provider) with
    {
        Staff = new StaffDocument { Support = [Support], Operator = [Operator] },
    };

    [Fact]
    public async Task ARoleRemovedAtTheProvider_ShowsInTheRightsView_WithWhen()
    {
        Provider.Entitlements = [Support, Operator];
        using var browser = await SignInAsStaffAsync("support, operator");

        var row = await RightsRowAsync(browser);
        Assert.Equal(["support, operator", "look people up, re-check, erase, read the audit log, read reports", "2026-12-07 09:00 UTC", "2026-12-07"],
            row[1..]);
        Assert.Equal($"{Provider.Subject}@example.org", row[0]);

        // Support is removed at the login service; after the minute the provider's answer may be cached, it shows.
        Provider.Entitlements = [Operator];
        _clock.Advance(TimeSpan.FromSeconds(61));
        row = await RightsRowAsync(browser);
        Assert.Equal(["operator", "read the audit log, read reports", "2026-12-07 09:01 UTC", "2026-12-07"], row[1..]);

        // Unchanged roles keep their "since".
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(("operator", "2026-12-07 09:01 UTC"), ((await RightsRowAsync(browser))[1], (await RightsRowAsync(browser))[3]));
    }

    [Fact]
    public async Task EveryRoleRemoved_TheEntrySaysNone_AndSupportStaffDoNotSeeTheView()
    {
        Provider.Entitlements = [Support];
        using var browser = await SignInAsStaffAsync("support");
        using (var refused = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/staff?view=rights")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // support staff: not an operator's view
        }

        Provider.Entitlements = [];
        _clock.Advance(TimeSpan.FromSeconds(61));
        using (var gone = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/staff")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, gone.StatusCode); // the removal, noted in the directory on the way
        }

        Provider.Subject = "olivia-op";
        Provider.Entitlements = [Operator];
        using var operatorBrowser = await SignInAsStaffAsync("operator");
        using var page = await operatorBrowser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/staff?view=rights"));
        var html = await page.Content.ReadAsStringAsync();
        var rows = Rows().Matches(html).Select(m => Cells().Matches(m.Groups["row"].Value).Select(c => WebUtility.HtmlDecode(c.Groups["cell"].Value).Trim()).ToArray()).ToList();
        var removed = Assert.Single(rows, r => r[0] != "olivia-op@example.org");
        Assert.Equal(["none (removed)", "—", "2026-12-07 09:01 UTC", "2026-12-07"], removed[1..5]);
        Assert.Equal(["operator", "read the audit log, read reports"], Assert.Single(rows, r => r[0] == "olivia-op@example.org")[1..3]);
    }

    private async Task<Browser> SignInAsStaffAsync(string roles)
    {
        var browser = new Browser("text/html");
        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login?for=staff"));
        using (page)
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains($"Signed in as staff: {roles}", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        return browser;
    }

    /// <summary>The cells of the rights view's one row.</summary>
    private async Task<string[]> RightsRowAsync(Browser browser)
    {
        using var page = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/staff?view=rights"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h2>Staff rights</h2>", html, StringComparison.Ordinal);
        var row = Assert.Single(Rows().Matches(html));
        return Cells().Matches(row.Groups["row"].Value).Select(c => WebUtility.HtmlDecode(c.Groups["cell"].Value).Trim()).ToArray();
    }

    [GeneratedRegex("<tr data-actor=\"[^\"]+\">(?<row>.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Rows();

    [GeneratedRegex("<td[^>]*>(?<cell>.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cells();
}
