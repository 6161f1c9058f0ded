using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Users;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// The staff page at size, in headless Chromium, on a desk and on a phone: how many people a search
/// found, sorted by the column picked, a page at a time; a miss that says why and offers the other
/// search; the operators' view of who holds which staff right. Screenshots for docs/staff.md.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class StaffAtSizeBrowserTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private Chromium _chromium = null!;

    private ServiceHost Service => host.Service;

    private string StaffUrl => new Uri(Service.BaseUrl, "api/tenants/demo/staff").ToString();

    public async ValueTask InitializeAsync()
    {
        _chromium = await Chromium.LaunchAsync();
        await SeedAsync(130);
    }

    public ValueTask DisposeAsync() => _chromium.DisposeAsync();

    [Fact(Timeout = 90_000)]
    public async Task Carol_FindsACountrysPeople_Counted_SortsByLastSignIn_PagesOn_OnAPhoneToo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        await Chromium.SignInAsStaffAsync(page, StaffUrl, Service.BaseUrl, "carol", "support");

        await SearchAsync(page, "Country", "pt");
        await Expect(page.Locator("p.count")).ToHaveTextAsync("130 people found · showing 1–50");
        await Expect(page.Locator("table.results th[aria-sort=ascending]")).ToHaveTextAsync("Institution ↑");
        var institutions = await Column(page, 1);
        Assert.Equal(institutions.Order(StringComparer.Ordinal), institutions);

        // By last sign-in, most recent first: the column's link, then across pages.
        await page.Locator("table.results thead").GetByRole(AriaRole.Link, new() { Name = "Last sign-in" }).ClickAsync();
        await Expect(page.Locator("table.results th[aria-sort=descending]")).ToHaveTextAsync("Last sign-in ↓");
        var first = await Column(page, 4);
        Assert.Equal(first.OrderDescending(StringComparer.Ordinal), first);
        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd"), first[0]);
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(page.Locator("p.count")).ToHaveTextAsync("130 people found · showing 51–100");
        var second = await Column(page, 4);
        Assert.True(string.CompareOrdinal(first[^1], second[0]) >= 0, "the second page goes on where the first stopped");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "First page" })).ToBeVisibleAsync();
        Assert.DoesNotContain("PT", new Uri(page.Url).Query, StringComparison.OrdinalIgnoreCase); // the search sealed, never in the address
        await Axe.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "staff-results");

        // On a phone: nothing runs off the page; each person is a block, every value on screen and labelled by its column.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
        var cells = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('table.results tbody tr')].slice(0, 5).flatMap(r => [...r.cells].map(c => ({
              right: c.getBoundingClientRect().right, width: c.getBoundingClientRect().width,
              label: getComputedStyle(c, '::before').content, text: c.textContent.trim() })))
            """);
        Assert.Equal(25, cells.GetArrayLength());
        foreach (var cell in cells.EnumerateArray())
        {
            Assert.True(cell.GetProperty("right").GetDouble() <= 390 && cell.GetProperty("width").GetDouble() > 0, $"'{cell.GetProperty("text")}' is off the screen at 390 px");
        }

        Assert.Equal(["none", "\"Institution: \"", "\"Country: \"", "\"Ready: \"", "\"Last sign-in: \""],
            cells.EnumerateArray().Take(5).Select(c => c.GetProperty("label").GetString()));
        // The headers are hidden there: the sort line sorts.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sort by institution" }).ClickAsync();
        await Expect(page.Locator("p.results-sort strong")).ToHaveTextAsync("institution");
        await Expect(page.Locator("p.count")).ToHaveTextAsync("130 people found · showing 1–50");
        await Expect(page.Locator("form.search button")).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "staff-results-390");
    }

    [Fact(Timeout = 60_000)]
    public async Task AMissSaysWhy_AndOffersTheInstitutionSearch_WhichFindsThem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        await Chromium.SignInAsStaffAsync(page, StaffUrl, Service.BaseUrl, "carol", "support");

        await SearchAsync(page, "Email", "someone.else@ulisboa.pt");

        var miss = page.Locator("div.empty");
        await Expect(miss).ToContainTextAsync("No one found with this email.");
        await Expect(miss).ToContainTextAsync("Emails must match exactly");
        await Axe.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "staff-miss");
        await miss.GetByRole(AriaRole.Button, new() { Name = "Search institution ulisboa.pt instead" }).ClickAsync();
        await Expect(page.Locator("p.count")).ToContainTextAsync("people found");
        Assert.All(await Column(page, 1), i => Assert.Equal("ulisboa.pt", i));
        await Expect(page.Locator("form.search").GetByLabel("Institution")).ToHaveValueAsync("ulisboa.pt");
    }

    [Fact(Timeout = 60_000)]
    public async Task Olivia_SeesWhoHoldsWhichStaffRight_AndSince()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var carolContext = await _chromium.NewContextAsync(ct))
        {
            await Chromium.SignInAsStaffAsync(await carolContext.NewPageAsync(), StaffUrl, Service.BaseUrl, "carol", "support");
        }

        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        await Chromium.SignInAsStaffAsync(page, StaffUrl, Service.BaseUrl, "olivia", "operator");
        await page.Locator("header.site nav").GetByRole(AriaRole.Link, new() { Name = "Staff rights" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, Name = "Staff rights" })).ToBeVisibleAsync();
        var carol = page.Locator("table.rights tbody tr", new() { HasText = "carol@eodc.eu" });
        await Expect(carol.Locator("td").Nth(1)).ToHaveTextAsync("support");
        await Expect(carol.Locator("td").Nth(2)).ToHaveTextAsync("look people up, re-check, erase");
        var olivia = page.Locator("table.rights tbody tr", new() { HasText = "olivia@openeo.cloud" });
        await Expect(olivia.Locator("td").Nth(2)).ToHaveTextAsync("read the audit log, read reports");
        await Expect(olivia.Locator("td").Nth(3)).ToContainTextAsync(" UTC");
        await Axe.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "staff-rights");
    }

    private static async Task SearchAsync(IPage page, string field, string value)
    {
        var form = page.Locator("form.search");
        await form.GetByLabel(field).FillAsync(value);
        await form.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/staff\?q=[^&]+$"));
    }

    private static async Task<List<string>> Column(IPage page, int index) =>
        (await page.Locator($"table.results tbody tr td:nth-child({index + 1})").AllTextContentsAsync()).Select(t => t.Trim()).ToList();

    /// <summary>People in Portugal at three institutions, each last seen on another day, as the store writes them (with their index rows).</summary>
    private async Task SeedAsync(int count)
    {
        var users = Service.Table("users");
        await users.CreateIfNotExistsAsync();
        var now = DateTimeOffset.UtcNow;
        var people = Enumerable.Range(0, count).Select(i =>
        {
            var id = UserIds.For("https://seed.example", $"pt-{i}");
            return new UserEntity
            {
                PartitionKey = UserEntity.PartitionOf("demo", id), RowKey = id, Issuer = "https://seed.example", Subject = $"pt-{i}",
                Email = $"person{i}@{new[] { "ulisboa.pt", "up.pt", "uc.pt" }[i % 3]}", EmailVerified = true,
                Institution = new[] { "ulisboa.pt", "up.pt", "uc.pt" }[i % 3], Country = "PT",
                FirstSignInAt = now.AddDays(-200), LastSignInAt = now.AddDays(-(i * 7 % 97)), SignInCount = 3, ExpiresAt = now.AddDays(300),
            };
        });
        foreach (var chunk in people.GroupBy(u => u.PartitionKey).SelectMany(p => p.Chunk(30)))
        {
            await users.SubmitTransactionAsync(chunk.SelectMany(u =>
            {
                var index = SearchIndex.Follow(u);
                return index.Prepend(new TableTransactionAction(TableTransactionActionType.UpsertReplace, u));
            }));
        }
    }
}
