using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.SignIn;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// The staff page in headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by Playwright,
/// which never downloads a browser): carol signs in through the development provider's login page,
/// finds bob and sees his missing membership with the enrolment link, erases dave after confirming;
/// the page escapes what it prints and its read-only parts work without JavaScript.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class StaffPageBrowserTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private const string EnrolmentUrl = "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud";

    private Chromium _chromium = null!;

    private ServiceHost Service => host.Service;

    private string StaffUrl => new Uri(Service.BaseUrl, "api/tenants/demo/staff").ToString();

    private static string DemoIssuer => $"{TestEnvironment.IdpBaseUrl}/realms/demo";

    public async ValueTask InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public ValueTask DisposeAsync() => _chromium.DisposeAsync();


    [Fact(Timeout = 60_000)]
    public async Task Carol_SignsIn_FindsBobWithEnrolmentLink_ErasesDaveAfterConfirming_Audited()
    {
        var ct = TestContext.Current.CancellationToken;
        await SignInWithHttpClientAsync("bob");
        await SignInWithHttpClientAsync("dave");
        var bobId = UserIds.For(DemoIssuer, DevPartner.VopersonId("bob"));
        var daveId = UserIds.For(DemoIssuer, DevPartner.VopersonId("dave"));
        var carolId = UserIds.For(DemoIssuer, DevPartner.VopersonId("carol"));

        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        await Chromium.SignInAsStaffAsync(page, StaffUrl, Service.BaseUrl, "carol", "support");

        // Find bob by email and open him.
        await SearchByEmailAsync(page, "bob@uni-bonn.de");
        await page.Locator("table.results").GetByRole(AriaRole.Link, new() { Name = "bob@uni-bonn.de", Exact = true }).ClickAsync();
        var user = page.Locator("section.user");
        await Expect(user).ToHaveAttributeAsync("data-user", bobId);
        await Expect(user.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("bob@uni-bonn.de");
        var membership = user.Locator("li.step[data-step=membership]");
        await Expect(membership).ToHaveClassAsync(new Regex(@"\baction-required\b"));
        await Expect(membership.Locator(".state")).ToHaveTextAsync("To do");
        // In staff's words, with the link to send in a plain field to select (no script needed).
        await Expect(membership).ToContainTextAsync("Not a member of vo.openeo.cloud — send them the enrolment link");
        var send = membership.GetByRole(AriaRole.Textbox, new() { Name = "Link to send" });
        await Expect(send).ToHaveValueAsync(EnrolmentUrl);
        Assert.Equal("", await send.GetAttributeAsync("readonly"));
        await Expect(membership.Locator(".when")).ToContainTextAsync(new Regex(@"last checked \d{4}-\d\d-\d\d \d\d:\d\d UTC"));
        await Expect(user).Not.ToContainTextAsync("You ");

        // On a phone: the user view, its steps and the link field fit without sideways scrolling.
        await page.SetViewportSizeAsync(390, 844);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the staff user view scrolls sideways at 390 px");
        var field = await send.BoundingBoxAsync();
        Assert.True(field is not null && field.X + field.Width <= 390, "the link to send runs off a 390 px screen");
        await page.SetViewportSizeAsync(1280, 720);

        // A re-check says what it changed (here: nothing), and when.
        await user.GetByRole(AriaRole.Button, new() { Name = "Re-check partner accounts" }).ClickAsync();
        await Expect(page.Locator("section.user p.notice")).ToHaveTextAsync(new Regex(@"^Re-checked just now: (nothing changed\.|Terrascope .+)$"));
        await Expect(page.Locator("section.user")).ToHaveAttributeAsync("data-user", bobId);

        // Keep the user view as a test artefact.
        var screenshot = Path.Combine(TestEnvironment.Artifacts, "screenshots", "staff-user-view.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(File.Exists(screenshot), $"no screenshot at {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 0, $"empty screenshot at {screenshot}");
        await Axe.AssertNoViolationsAsync(page);

        // Back to the search, find dave, erase him after confirming.
        await page.Locator("header.site nav").GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await SearchByEmailAsync(page, "dave.social@gmail.com");
        await page.Locator("table.results").GetByRole(AriaRole.Link, new() { Name = "dave.social@gmail.com", Exact = true }).ClickAsync();
        await Expect(page.Locator("section.user")).ToHaveAttributeAsync("data-user", daveId);
        await page.GetByRole(AriaRole.Link, new() { Name = "Erase this user…" }).ClickAsync();
        var confirm = page.Locator("section.confirm");
        await Expect(confirm.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("Erase dave.social@gmail.com?");
        await Axe.AssertNoViolationsAsync(page);
        Assert.Contains(await Service.UsersAsync("demo"), u => u.RowKey == daveId); // not before confirming
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, erase" }).ClickAsync();

        await Expect(page.Locator("p.notice")).ToHaveTextAsync("The user was erased.");
        await Expect(page).ToHaveURLAsync(new Regex(@"/api/tenants/demo/staff\?done=erased$"));
        var users = await Service.UsersAsync("demo");
        Assert.DoesNotContain(users, u => u.RowKey == daveId);
        Assert.Contains(users, u => u.RowKey == bobId);

        var audit = await AuditEntriesAsync(ct);
        Assert.Contains(audit, e => e.Action == "erase" && e.TargetUser == daveId && e.Actor == carolId
            && string.Equals(e.ActorRoles, "support", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(audit, e => e.Action == "view" && e.TargetUser == bobId && e.Actor == carolId);
        Assert.DoesNotContain(audit, e => e.Actor != carolId);
    }

    [Fact(Timeout = 90_000)]
    public async Task Olivia_SeesOnlyWhatAnOperatorMayUse_ReadsTheAuditLogByName_FiltersIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await SignInWithHttpClientAsync("bob");
        var bobId = UserIds.For(DemoIssuer, DevPartner.VopersonId("bob"));
        using (var http = new HttpClient())
        using (var view = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, $"api/tenants/demo/support/users/{bobId}")))
        {
            view.Headers.TryAddWithoutValidation("Authorization", $"Bearer {await DevTokens.AccessTokenAsync("carol")}");
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(view, ct)).StatusCode);
        }

        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        await Chromium.SignInAsStaffAsync(page, StaffUrl, Service.BaseUrl, "olivia", "operator");

        // Navigation by role: an operator is offered the audit log and the reports, not the search.
        var nav = page.Locator("header.site nav");
        Assert.Equal(["Audit log", "Staff rights", "Reports"], (await nav.GetByRole(AriaRole.Link).AllTextContentsAsync()).Select(t => t.Trim()));
        await nav.GetByRole(AriaRole.Link, new() { Name = "Audit log", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, Name = "Audit log" })).ToBeVisibleAsync();

        // Filter by the user's email and the action, with the page's own form.
        await page.GetByLabel("User", new() { Exact = true }).FillAsync("bob@uni-bonn.de");
        await page.Locator("select[name=action]").SelectOptionAsync("view");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"[?&]user=bob%40uni-bonn\.de&action=view&"));
        var rows = page.Locator("table.audit tbody tr");
        await Expect(rows.First).ToContainTextAsync("viewed a user");
        foreach (var row in await rows.AllAsync())
        {
            var cells = (await row.Locator("td").AllTextContentsAsync()).Select(c => c.Trim()).ToArray();
            Assert.Equal(("carol@eodc.eu", "viewed a user", "bob@uni-bonn.de"), (cells[1], cells[3], cells[4]));
        }

        var csv = await page.GetByRole(AriaRole.Link, new() { Name = "Download these entries as CSV" }).GetAttributeAsync("href");
        Assert.Matches(@"^/api/tenants/demo/support/audit\?format=csv&user=bob%40uni-bonn\.de&action=view&from=\d{4}-\d\d-\d\d&to=", csv);
        var download = await context.APIRequest.GetAsync(new Uri(Service.BaseUrl, csv).ToString());
        Assert.Equal(200, download.Status);
        Assert.StartsWith("at_utc,staff,", await download.TextAsync(), StringComparison.Ordinal);
        await Axe.AssertNoViolationsAsync(page);

        // A filter the log cannot meet is a clear page, not an error.
        await page.GetByLabel("Staff member", new() { Exact = true }).FillAsync("nobody@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(page.Locator("table.audit tbody")).ToHaveTextAsync("No entries match.");
    }

    [Fact(Timeout = 60_000)]
    public async Task Page_EscapesWhatItPrints_QueryAndStoredValues()
    {
        var ct = TestContext.Current.CancellationToken;
        // A record whose email is markup, recorded as a sign-in with such claims would be.
        const string hostile = "<script>window.__pwned=1</script>\"'@example.org";
        var tenant = Service.Services.GetRequiredService<TenantCatalog>().Get("demo");
        var claims = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["sub"] = "hostile",
            ["voperson_id"] = "hostile-" + Guid.NewGuid().ToString("N") + "@egi.eu",
            ["email"] = hostile,
        });
        var recorded = await Service.Services.GetRequiredService<SignInRecorder>().RecordAsync(tenant, ProfileMapper.Map(tenant, claims)!, claims, SignInChannel.Callback, ct);

        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await Chromium.SignInAsStaffAsync(page, StaffUrl, Service.BaseUrl, "carol", "support");

        // What was searched reaches the page (the results, the form kept filled in) only as data.
        var responded = page.WaitForResponseAsync(r => r.Url.Contains("/staff?q=", StringComparison.Ordinal));
        await SearchByEmailAsync(page, hostile);
        var response = await responded;
        Assert.Equal((int)HttpStatusCode.OK, response.Status);
        var link = page.Locator("table.results").GetByRole(AriaRole.Link, new() { Name = hostile, Exact = true });
        await Expect(link).ToHaveCountAsync(1);
        await Expect(page.Locator("form.search").GetByLabel("Email")).ToHaveValueAsync(hostile);
        var raw = await response.TextAsync();
        Assert.Contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned"));

        // The user view prints the stored value, escaped too.
        await link.ClickAsync();
        await Expect(page.Locator("section.user")).ToHaveAttributeAsync("data-user", recorded.User.UserId);
        await Expect(page.Locator("section.user h2")).ToHaveTextAsync(hostile);
        var view = await page.ContentAsync();
        Assert.DoesNotContain("<script", view, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned"));
        Assert.Empty(dialogs);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadOnlyParts_WorkWithoutJavaScript()
    {
        var ct = TestContext.Current.CancellationToken;
        await SignInWithHttpClientAsync("bob");

        // Sign in with JavaScript on, then carry the staff session into a context without it.
        string session;
        await using (var signIn = await _chromium.NewContextAsync(ct))
        {
            await Chromium.SignInAsStaffAsync(await signIn.NewPageAsync(), StaffUrl, Service.BaseUrl, "carol", "support");
            session = await signIn.StorageStateAsync();
        }

        await using var context = await _chromium.NewContextAsync(ct, javaScript: false, storageState: session);
        var noScript = await context.NewPageAsync();
        await noScript.GotoAsync(StaffUrl);
        await Expect(noScript.Locator("header.site")).ToContainTextAsync("Signed in as staff: support");

        // The search form submits and the results render, all without script.
        await SearchByEmailAsync(noScript, "bob@uni-bonn.de");
        var row = noScript.Locator("table.results tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("uni-bonn.de");
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("DE");
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("no");

        // The results as CSV, from the page's own link (the search sealed to the session: no email, no token in it).
        var csvLink = await noScript.GetByRole(AriaRole.Link, new() { Name = "Download all of them as CSV" }).GetAttributeAsync("href");
        Assert.Matches(@"^/api/tenants/demo/support/users\?q=[^&]+&format=csv$", csvLink);
        var csv = await context.APIRequest.GetAsync(new Uri(Service.BaseUrl, csvLink).ToString());
        Assert.Equal(200, csv.Status);
        var csvLines = (await csv.TextAsync()).Split("\r\n");
        Assert.StartsWith("bob@uni-bonn.de,yes,uni-bonn.de,DE,no,membership,", csvLines[1], StringComparison.Ordinal);

        // The user view too: links and steps are plain HTML.
        await row.GetByRole(AriaRole.Link, new() { Name = "bob@uni-bonn.de", Exact = true }).ClickAsync();
        var membership = noScript.Locator("li.step[data-step=membership]");
        await Expect(membership.Locator(".state")).ToHaveTextAsync("To do");
        await Expect(membership.GetByRole(AriaRole.Textbox, new() { Name = "Link to send" })).ToHaveValueAsync(EnrolmentUrl); // selectable without script
    }

    [Fact(Timeout = 60_000)]
    public async Task ALinkOnAnotherSite_RunsNoLookUp_WritesNoAuditEntry_ThePagesOwnSearchDoes()
    {
        var ct = TestContext.Current.CancellationToken;
        await SignInWithHttpClientAsync("bob");
        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        await Chromium.SignInAsStaffAsync(page, StaffUrl, Service.BaseUrl, "carol", "support");
        var audited = (await AuditEntriesAsync(ct)).Count;

        // A page on another site (localhost, not 127.0.0.1) links to a look-up; the staff member clicks it.
        var elsewhere = $"http://localhost:{TestEnvironment.FreePort()}/news.html";
        await context.RouteAsync(elsewhere, route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $"<!doctype html><title>News</title><a href=\"{StaffUrl}?email={Uri.EscapeDataString("bob@uni-bonn.de")}\">read more</a>",
        }));
        await page.GotoAsync(elsewhere);
        await page.GetByRole(AriaRole.Link, new() { Name = "read more" }).ClickAsync();

        await Expect(page.Locator("p.notice.refused")).ToContainTextAsync("was not run");
        await Expect(page.Locator("table.results")).ToHaveCountAsync(0);
        Assert.Equal(audited, (await AuditEntriesAsync(ct)).Count);
        Assert.Contains(Service.Logs.Lines, l => l.Contains("Staff look-up (staff page)", StringComparison.Ordinal)
            && l.Contains("a look-up in the address (email=)", StringComparison.Ordinal));

        // The search form right there runs it, on purpose.
        await SearchByEmailAsync(page, "bob@uni-bonn.de");
        await Expect(page.Locator("table.results tbody tr")).ToHaveCountAsync(1);
        Assert.Equal(audited + 1, (await AuditEntriesAsync(ct)).Count);
    }

    /// <summary>A fresh browser context; a test that runs out of time closes it, so waiting calls end at once.</summary>
    private async Task SignInWithHttpClientAsync(string account)
    {
        using var browser = new Browser();
        using var response = await browser.SignInAsync(Service.BaseUrl, "demo", account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task SearchByEmailAsync(IPage page, string email)
    {
        var form = page.Locator("form.search");
        await form.GetByLabel("Email").FillAsync(email);
        await form.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        // Posted, then redirected to the results: the address holds the sealed search, never the email or the form's token.
        await Expect(page).ToHaveURLAsync(new Regex(@"/staff\?q=[^&]+$"));
        Assert.DoesNotContain(Uri.EscapeDataString(email), page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("csrf", page.Url, StringComparison.Ordinal);
    }

    private async Task<List<AuditEntity>> AuditEntriesAsync(CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntity>();
        try
        {
            await foreach (var entry in Service.Table("audit").QueryAsync<AuditEntity>(cancellationToken: cancellationToken))
            {
                entries.Add(entry);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No staff action audited yet in this run: the table is created on first use.
        }

        return entries;
    }
}
