using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;
using Onboarding.Uptake;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Reports;

/// <summary>
/// The operators' dashboard in headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by
/// Playwright): olivia signs in through the development provider's login page, goes from the staff
/// page to the reports, and sees this month's sign-ups in the SVG chart, the funnel, the countries
/// with small cells suppressed, and downloads the CSV; the page works without JavaScript.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class DashboardBrowserTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private const string CsvHeader = "month,breakdown,signups,active_users,sign_ins,signed_in,vo_member,partners_linked,ready,median_days_to_ready,returned_month_1,returned_month_3,returned_month_6,failed_sign_ins";

    private Chromium _chromium = null!;

    private ServiceHost Service => host.Service;

    private string DashboardUrl => new Uri(Service.BaseUrl, "api/tenants/demo/reports").ToString();

    public async ValueTask InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public ValueTask DisposeAsync() => _chromium.DisposeAsync();


    [Fact(Timeout = 120_000)]
    public async Task Olivia_FromStaffPageToReports_SeesThisMonthInChartFunnelAndSuppressedCountries_DownloadsCsv_WorksWithoutScript()
    {
        var ct = TestContext.Current.CancellationToken;
        // Once: a test that runs across a month boundary still looks for the month its sign-ups went to.
        var now = DateTimeOffset.UtcNow;
        var month = now.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var firstMonth = now.AddMonths(-11).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        // alice is ready (VO role, Terrascope link), bob is not in the VO, dave is a member without the partner link.
        foreach (var account in new[] { "alice", "bob", "dave" })
        {
            await SignInWithHttpClientAsync(account);
        }

        var before = await ThisMonthAsync(month, ct);
        Assert.Equal((3, 3, 3, 3, 2, 1), (before.SignUps, before.ActiveUsers, before.SignIns, before.SignedIn, before.VoMember, before.Ready));

        // olivia's staff sign-in is not a sign-up: staff at work are not uptake.
        const int signUps = 3;

        await using var context = await _chromium.NewContextAsync(ct, timeoutMs: 30_000);
        var page = await context.NewPageAsync();
        await Chromium.SignInAsStaffAsync(page, DashboardUrl, Service.BaseUrl, "olivia", "operator");

        // The staff page links to the reports.
        await page.Locator("header").GetByRole(AriaRole.Link, new() { Name = "Reports", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(DashboardUrl) + "$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Staff — Platform demo");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, Name = "Uptake", Exact = true })).ToBeVisibleAsync();
        var after = await ThisMonthAsync(month, ct);
        Assert.Equal((signUps, signUps, signUps, 2, 1), (after.SignUps, after.ActiveUsers, after.SignedIn, after.VoMember, after.Ready));

        // Sign-ups and monthly active users: an inline SVG, a bar per series and month with a title.
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Sign-ups and monthly active users", Exact = true });
        await Expect(chart).ToHaveCountAsync(1);
        Assert.Equal("svg", await chart.EvaluateAsync<string>("e => e.localName"));
        Assert.Equal("http://www.w3.org/2000/svg", await chart.EvaluateAsync<string>("e => e.namespaceURI"));
        var bars = await BarsAsync(chart);
        Assert.Equal(24, bars.Count); // 12 months × 2 series
        Assert.Equal(0, bars[$"Sign-ups {month}: {signUps}"]); // the tallest bar, at the top of the plot...
        Assert.Equal(0, bars[$"Active users {month}: {signUps}"]);
        Assert.Equal(22, bars.Count(b => b.Key.EndsWith(": 0", StringComparison.Ordinal))); // ...every other month empty
        await Expect(chart.Locator("text.axis", new() { HasTextString = month })).ToHaveCountAsync(1);
        await AssertMonthLabelsFitAsync(page, 6, 6);

        // The funnel of this month's cohort.
        var funnel = page.GetByRole(AriaRole.Img, new() { Name = "Onboarding funnel of the sign-ups in these months", Exact = true });
        var stages = await funnel.Locator("rect > title").AllTextContentsAsync();
        Assert.Contains($"Signed in: {signUps}", stages);
        Assert.Contains("VO member: 2", stages);
        Assert.Contains("Ready: 1", stages);
        Assert.Equal(4, stages.Count);

        // Headline figures of this month; the share ready of the window's sign-ups (alice of three).
        var figures = page.Locator("dl.figures");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, Name = $"In {month}", Exact = true })).ToBeVisibleAsync();
        Assert.Equal(["Sign-ups", "3", "Active users", "3", $"Ready, of the sign-ups since {firstMonth}", "33%", "Failed sign-ins"],
            (await figures.Locator("dt, dd").AllTextContentsAsync()).Take(7).Select(t => t.Trim()));

        // Every chart has its numbers in a table beneath it.
        var byMonth = await DataRowsAsync(page, "Sign-ups, active users and sign-ins by month");
        Assert.Equal(12, byMonth.Count);
        Assert.Equal(["3", "3", "3"], byMonth[month]);
        Assert.Equal(["3", "100%"], (await DataRowsAsync(page, "The funnel in numbers"))["Signed in"]);
        Assert.Equal(["1", "33%"], (await DataRowsAsync(page, "The funnel in numbers"))["Ready"]);
        // This month's cohort cannot have come back yet; last year's month had no sign-ups.
        var returning = await DataRowsAsync(page, "Returning users by sign-up month");
        Assert.Equal(["3", "not yet", "not yet", "not yet"], returning[month]);
        Assert.Equal(["0", "0", "0", "0"], returning[firstMonth]);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Failed sign-ins by month", Exact = true })).ToHaveCountAsync(1);

        // Top countries by name: Belgium (alice), Germany (bob), unknown (dave), each count below 5, zero included, shown as <5.
        var countries = page.Locator("h2:text-is('Top countries') + .table-scroll table");
        var rows = await TableRowsAsync(countries);
        Assert.Equal(new[] { "Belgium (BE)", "Germany (DE)", "unknown" }, rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "<5", "<5", "<5" }, rows["Belgium (BE)"]); // alice is ready
        Assert.Equal(new[] { "<5", "<5", "<5" }, rows["Germany (DE)"]);
        Assert.Equal(new[] { "<5", "<5", "<5" }, rows["unknown"]);
        Assert.DoesNotContain(rows.Values.SelectMany(cells => cells), cell => cell is "1" or "2");
        var institutions = await TableRowsAsync(page.Locator("h2:text-is('Top institutions') + .table-scroll table"));
        Assert.Equal(new[] { "uni-bonn.de", "unknown", "vito.be" }, institutions.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(institutions.Values.SelectMany(cells => cells), cell => cell is "1" or "2");

        // The CSV link downloads the totals as RFC 4180 CSV with a header row.
        var totalsLink = page.GetByRole(AriaRole.Link, new() { Name = "totals", Exact = true });
        Assert.Equal($"/api/tenants/demo/reports/uptake?from={firstMonth}&to={month}&format=csv", await totalsLink.GetAttributeAsync("href"));
        var download = await page.RunAndWaitForDownloadAsync(() => totalsLink.ClickAsync());
        Assert.Equal($"uptake-demo-{firstMonth}-{month}.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), ct);
        var lines = csv.Split("\r\n");
        Assert.Equal(CsvHeader, lines[0]);
        Assert.Equal("", lines[^1]); // CRLF after the last row too
        var total = Assert.Single(lines, l => l.StartsWith(month + ",", StringComparison.Ordinal));
        Assert.StartsWith($"{month},(total),{signUps},{signUps},{signUps},{signUps},2,", total, StringComparison.Ordinal);
        Assert.Equal(1 + 12 + 1, lines.Length);

        // The by-country CSV, fetched with the page's cookies: suppressed cells there too.
        var byCountry = await context.APIRequest.GetAsync(new Uri(new Uri(page.Url), await page.GetByRole(AriaRole.Link, new() { Name = "by country", Exact = true }).GetAttributeAsync("href")).ToString());
        Assert.Equal(200, byCountry.Status);
        Assert.StartsWith("text/csv", byCountry.Headers["content-type"], StringComparison.Ordinal);
        var countryLines = (await byCountry.TextAsync()).Split("\r\n");
        Assert.Equal("month,country,signups,active_users,sign_ins,signed_in,vo_member,partners_linked,ready,median_days_to_ready,returned_month_1,returned_month_3,returned_month_6", countryLines[0]);
        Assert.Contains($"{month},BE,<5,<5,<5,<5,<5,<5,<5,,<5,<5,<5", countryLines); // the median over fewer than 5 is left out
        Assert.Contains(countryLines, l => l.StartsWith($"{month},DE,<5,<5,<5,<5,<5,", StringComparison.Ordinal));
        Assert.Contains(countryLines, l => l.StartsWith($"{month},unknown,<5,<5,<5,<5,<5,", StringComparison.Ordinal));
        var breakdownRows = countryLines.Skip(1).Where(l => l.Length > 0 && l.Split(',')[1] != "(total)").ToList();
        Assert.Equal(3, breakdownRows.Count);
        Assert.DoesNotContain(breakdownRows, l => l.Split(',')[2..].Any(cell => cell is "1" or "2"));

        // Keep the dashboard as a test artefact.
        var screenshot = Path.Combine(TestEnvironment.Artifacts, "screenshots", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(File.Exists(screenshot), $"no screenshot at {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 0, $"empty screenshot at {screenshot}");
        await Axe.AssertNoViolationsAsync(page);
        // Wide: every table fits, or (a long value another test left, such as a 250-character institution) scrolls in its box with the hint.
        await Expect(page.Locator("main table")).ToHaveCountAsync(6);
        await AssertEveryTableReadableAsync(page);

        // Without JavaScript, with the same session: the same server-drawn charts.
        await using var noScriptContext = await _chromium.NewContextAsync(ct, javaScript: false, storageState: await context.StorageStateAsync(), timeoutMs: 30_000);
        var noScript = await noScriptContext.NewPageAsync();
        var response = await noScript.GotoAsync(DashboardUrl);
        Assert.Equal(200, response!.Status);
        Assert.Contains("<svg", await response.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await noScript.Locator("script").CountAsync());
        var noScriptChart = noScript.GetByRole(AriaRole.Img, new() { Name = "Sign-ups and monthly active users", Exact = true });
        await Expect(noScriptChart).ToBeVisibleAsync();
        Assert.Contains($"Sign-ups {month}: {signUps}", await noScriptChart.Locator("rect > title").AllTextContentsAsync());
        Assert.Contains("VO member: 2", await noScript.Locator("svg rect > title").AllTextContentsAsync());
    }

    [Fact(Timeout = 120_000)]
    public async Task Dashboard_At390PixelsWide_ChartsStayLegible_EveryTableReadable_FailedSignInsByReason_NoSidewaysScrolling()
    {
        var ct = TestContext.Current.CancellationToken;
        // A forged callback: one failed sign-in, counted by reason (no person, no marker).
        using (var forged = new Browser())
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await forged.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/callback?state=forged&code=x"))).StatusCode);
        }

        await Service.DrainUptakeAsync();
        await using var context = await _chromium.NewContextAsync(ct, timeoutMs: 30_000);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        await Chromium.SignInAsStaffAsync(page, DashboardUrl, Service.BaseUrl, "olivia", "operator");
        await page.GotoAsync(DashboardUrl);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, Name = "Uptake", Exact = true })).ToBeVisibleAsync();

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the dashboard scrolls sideways at 390 px");
        // Every piece of chart text that is drawn is at least 11 px tall on the screen, and the month labels do not overlap.
        var heights = await page.EvaluateAsync<double[]>(
            "() => [...document.querySelectorAll('.chart svg text')].filter(t => t.getClientRects().length > 0).map(t => t.getBoundingClientRect().height)");
        Assert.NotEmpty(heights);
        Assert.All(heights, h => Assert.True(h >= 11, $"chart text {h:F1} px tall at 390 px"));
        await AssertMonthLabelsFitAsync(page, 2, 4);

        var reasons = await DataRowsAsync(page, "Failed sign-ins by reason, in these months");
        Assert.Equal(["<5", "an unknown or already used sign-in (back button, a second tab, a forged link)"], reasons["LoginAttemptUnknown"]);
        await AssertEveryTableReadableAsync(page);
        await Axe.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "dashboard-390");
    }

    /// <summary>A fresh browser context; a test that runs out of time closes it, so waiting calls end at once.</summary>
    private async Task SignInWithHttpClientAsync(string account)
    {
        using var browser = new Browser();
        using var response = await browser.SignInAsync(Service.BaseUrl, "demo", account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>This month's totals, read through the service's own report reader.</summary>
    private async Task<UptakeCounts> ThisMonthAsync(string month, CancellationToken cancellationToken)
    {
        await Service.DrainUptakeAsync(); // as the timer does within 15 seconds
        var tenant = Service.Services.GetRequiredService<TenantCatalog>().Get("demo");
        var query = ReportQuery.Parse(month, month, null, DateTimeOffset.UtcNow);
        var months = await Service.Services.GetRequiredService<UptakeReports>().ReadAsync(tenant, query, cancellationToken);
        return Assert.Single(months).Totals;
    }

    /// <summary>Each bar's title with the bar's top edge (its <c>y</c> less the plot's top, 20).</summary>
    private static async Task<Dictionary<string, double>> BarsAsync(ILocator chart)
    {
        var bars = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var rect in await chart.Locator("rect").AllAsync())
        {
            var title = await rect.Locator("title").TextContentAsync() ?? "";
            var y = double.Parse(await rect.GetAttributeAsync("y") ?? "", CultureInfo.InvariantCulture);
            bars.Add(title, y - 20);
        }

        return bars;
    }

    /// <summary>The first chart's drawn month labels: between <paramref name="least"/> and <paramref name="most"/>, inside the chart, none overlapping.</summary>
    private static async Task AssertMonthLabelsFitAsync(IPage page, int least, int most)
    {
        var ticks = await page.EvaluateAsync<double[][]>(
            "() => [...document.querySelector('figure.chart svg').querySelectorAll('.tick text')].filter(t => t.getClientRects().length > 0).map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })");
        var svg = await page.EvaluateAsync<double[]>("() => { const r = document.querySelector('figure.chart svg').getBoundingClientRect(); return [r.left, r.right]; }");
        var width = page.ViewportSize?.Width;
        Assert.InRange(ticks.Length, least, most);
        Assert.All(ticks, t => Assert.True(t[0] >= svg[0] && t[1] <= svg[1], $"a month label runs off the chart at {width} px"));
        for (var i = 1; i < ticks.Length; i++)
        {
            Assert.True(ticks[i][0] > ticks[i - 1][1], $"month labels overlap at {width} px");
        }
    }

    /// <summary>
    /// Every table on the page is readable at this width: it fits its box, or its box is a labelled,
    /// focusable scroll region (role=region, tabindex=0) with a visible "scroll sideways" hint and the
    /// first column sticky (opaque, so the scrolled cells pass under it); scrolled to the far end, every
    /// row's last cell is inside the box and its first cell still at the box's left edge. A table that
    /// fits shows no hint. No box runs past the screen's edge, so no cell is cut off unseen.
    /// </summary>
    private static async Task AssertEveryTableReadableAsync(IPage page)
    {
        var tables = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('main table')].map(table => {
              const box = table.parentElement, boxStyle = getComputedStyle(box), rect = box.getBoundingClientRect();
              const hint = box.querySelector('.scroll-hint');
              const shown = e => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility === 'visible'
                && e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().left >= 0 && e.getBoundingClientRect().right <= innerWidth;
              const rows = [...table.rows].filter(r => r.cells.length > 1);
              const firstCells = rows.map(r => r.cells[0]);
              const sticky = firstCells.length > 0 && firstCells.every(c => {
                const s = getComputedStyle(c);
                return s.position === 'sticky' && s.left === '0px' && s.backgroundColor !== 'rgba(0, 0, 0, 0)';
              });
              const start = box.scrollLeft;
              box.scrollLeft = box.scrollWidth;
              const atEnd = box.getBoundingClientRect();
              const endInView = rows.every(r => {
                const first = r.cells[0].getBoundingClientRect(), last = r.cells[r.cells.length - 1].getBoundingClientRect();
                return last.right <= atEnd.right + 1 && Math.abs(first.left - atEnd.left) <= 1;
              });
              const scrolled = box.scrollLeft;
              box.scrollLeft = start;
              return {
                name: table.caption?.textContent.trim() || box.getAttribute('aria-label') || '(no name)',
                fits: box.scrollWidth <= box.clientWidth && rect.left >= 0 && rect.right <= innerWidth,
                insideScreen: rect.left >= 0 && rect.right <= innerWidth,
                overflowX: boxStyle.overflowX, role: box.getAttribute('role') ?? '', tabIndex: box.getAttribute('tabindex') ?? '',
                label: box.getAttribute('aria-label') ?? '', hint: shown(hint), sticky, endInView, scrolled,
              };
            })
            """);
        var width = page.ViewportSize?.Width;
        Assert.Equal(6, tables.GetArrayLength());
        foreach (var t in tables.EnumerateArray())
        {
            var name = t.GetProperty("name").GetString();
            var fits = t.GetProperty("fits").GetBoolean();
            Assert.True(t.GetProperty("insideScreen").GetBoolean(), $"the box of '{name}' runs past the screen at {width} px");
            if (!fits)
            {
                Assert.True(t.GetProperty("overflowX").GetString() is "auto" or "scroll", $"'{name}' is wider than its box, which does not scroll, at {width} px");
                Assert.True((t.GetProperty("role").GetString(), t.GetProperty("tabIndex").GetString()) == ("region", "0") && t.GetProperty("label").GetString() is { Length: > 0 },
                    $"the scroll box of '{name}' is not a labelled, focusable region");
                Assert.True(t.GetProperty("hint").GetBoolean(), $"'{name}' scrolls sideways at {width} px without a visible hint");
                Assert.True(t.GetProperty("sticky").GetBoolean(), $"the first column of '{name}' does not stay in place (sticky, opaque) at {width} px");
                Assert.True(t.GetProperty("scrolled").GetDouble() > 0, $"'{name}' does not scroll");
            }
            else
            {
                Assert.False(t.GetProperty("hint").GetBoolean(), $"'{name}' fits at {width} px, yet says to scroll sideways");
            }

            Assert.True(t.GetProperty("endInView").GetBoolean(), $"scrolled to the end, '{name}' hides a cell or loses its first column at {width} px");
        }
    }

    /// <summary>A data table's body rows by its caption: the row header → the other cells.</summary>
    private static async Task<Dictionary<string, string[]>> DataRowsAsync(IPage page, string caption)
    {
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var table = page.Locator("table", new() { Has = page.Locator($"caption:text-is('{caption}')") });
        await Expect(table).ToHaveCountAsync(1);
        foreach (var row in await table.Locator("tbody tr").AllAsync())
        {
            var cells = (await row.Locator("th, td").AllTextContentsAsync()).Select(c => c.Trim()).ToArray();
            rows.Add(cells[0], cells[1..]);
        }

        return rows;
    }

    /// <summary>A table's body rows: first cell → the other cells.</summary>
    private static async Task<Dictionary<string, string[]>> TableRowsAsync(ILocator table)
    {
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var row in await table.Locator("tbody tr").AllAsync())
        {
            var cells = (await row.Locator("td").AllTextContentsAsync()).Select(c => c.Trim()).ToArray();
            rows.Add(cells[0], cells[1..]);
        }

        return rows;
    }
}

/// <summary>
/// A support-only staff member may not read reports: the dashboard answers 403 PermissionsInsufficient,
/// as a page for browsers and as problem details for programs, and shows nothing of the numbers.
/// Its own class, so carol's sign-in never counts in the dashboard test's month.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class DashboardAccessTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    [Fact(Timeout = 60_000)]
    public async Task SupportOnlyStaff_GetsPermissionsInsufficient_NoReportsLink()
    {
        var ct = TestContext.Current.CancellationToken;
        using var browser = new Browser("text/html");
        var (staffPage, url) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?for=staff&login_hint=carol"));
        using (staffPage)
        {
            Assert.Equal(HttpStatusCode.OK, staffPage.StatusCode);
            Assert.Equal(new Uri(Service.BaseUrl, "api/tenants/demo/staff"), url);
            var html = await staffPage.Content.ReadAsStringAsync(ct);
            Assert.Contains("Signed in as staff: support", html, StringComparison.Ordinal);
            Assert.DoesNotContain("/reports", html, StringComparison.Ordinal);
        }

        var dashboard = new Uri(Service.BaseUrl, "api/tenants/demo/reports");
        using (var page = await browser.GetAsync(dashboard))
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var html = await page.Content.ReadAsStringAsync(ct);
            Assert.Contains("You may not open this page", html, StringComparison.Ordinal);
            Assert.Contains("Reference for support: PermissionsInsufficient", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Uptake", html, StringComparison.Ordinal);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, dashboard);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var problem = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await problem.Content.ReadAsStringAsync(ct));
        Assert.Equal("PermissionsInsufficient", body.RootElement.GetProperty("code").GetString());
    }
}
