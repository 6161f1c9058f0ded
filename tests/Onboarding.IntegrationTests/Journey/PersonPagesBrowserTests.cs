using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Status;
using Onboarding.Tenants;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Journey;

/// <summary>
/// Every page a person meets, in headless Chromium at 1280 and 390 px with the provider on another
/// site: each says what happened and offers the way forward, with no axe violation and no sideways
/// scrolling. Screenshots of each go to the test artefacts (<c>journey/</c>), from which
/// <c>docs/journey/</c> is refreshed.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class PersonPagesBrowserTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private static readonly int[] Widths = [1280, 390];

    private Chromium _chromium = null!;

    private ServiceHost Service => host.Service;

    private static string Issuer => $"{TestEnvironment.IdpBaseUrl}/realms/demo";

    private string Back => new Uri(Service.BaseUrl, "api/health").AbsoluteUri;

    private string Url(string path) => new Uri(Service.BaseUrl, path).AbsoluteUri;

    public async ValueTask InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public ValueTask DisposeAsync() => _chromium.DisposeAsync();

    [Fact(Timeout = 120_000)]
    public async Task NotSignedIn_UnknownPlatform_SignedOut_EachSaysWhatHappened_AndOffersTheWayOn()
    {
        foreach (var width in Widths)
        {
            var page = await NewPageAsync(width, TestContext.Current.CancellationToken);

            // /me after the session ended: not a developer's 401, a page with "Sign in" keeping return_to.
            var me = await page.GotoAsync(Url("api/tenants/demo/me?return_to=" + Uri.EscapeDataString(Back)));
            Assert.Equal(401, me!.Status);
            await ExpectHeadingAsync(page, "You are not signed in");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }))
                .ToHaveAttributeAsync("href", "/api/tenants/demo/login?return_to=" + Uri.EscapeDataString(Back));
            await CheckPageAsync(page, width, "not-signed-in");

            // A platform this service does not serve: what happened, and where sign-in usually starts.
            var unknown = await page.GotoAsync(Url("api/tenants/no-such-platform/me"));
            Assert.Equal(404, unknown!.Status);
            await ExpectHeadingAsync(page, "We do not know this platform");
            await Expect(page.Locator("main")).ToContainTextAsync("The link may be mistyped or out of date.");
            await Expect(page.Locator("main a").First).ToBeVisibleAsync();
            await CheckPageAsync(page, width, "unknown-platform");

            await page.GotoAsync(Url("api/tenants/demo/signed-out"));
            await ExpectHeadingAsync(page, "You are signed out");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Use another account" }))
                .ToHaveAttributeAsync("href", "/api/tenants/demo/login?prompt=select_account");
            await CheckPageAsync(page, width, "signed-out");
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Dave_StatusSaysWhatHappensNextAndWhen_HisDataIsAPage_ErasingAsksFirst()
    {
        foreach (var width in Widths)
        {
            var page = await NewPageAsync(width, TestContext.Current.CancellationToken);
            await page.GotoAsync(Url("api/tenants/demo/login?login_hint=dave&return_to=" + Uri.EscapeDataString(Back)));

            // The partner step: what to do, how long it usually takes, and how the page will know.
            var terrascope = page.Locator(".steps li[data-step=terrascope]");
            await Expect(terrascope).ToContainTextAsync("Link your Terrascope account.");
            await Expect(terrascope).ToContainTextAsync("The link usually shows here within a few minutes.");
            await Expect(terrascope).ToContainTextAsync("“Check again”");
            await Expect(terrascope.GetByRole(AriaRole.Link, new() { Name = "Go to Terrascope" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check again" })).ToBeVisibleAsync();
            // dave signed in with a social account: the page says so, and offers another account.
            await Expect(page.Locator("section.switch-account")).ToContainTextAsync("without an institution");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Use another account" })).ToHaveAttributeAsync("href",
                "/api/tenants/demo/login?prompt=select_account&return_to=" + Uri.EscapeDataString(Back));
            await CheckPageAsync(page, width, "status");

            // "Your data": a page in plain words, with the download and the erase action.
            await page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Your data" }).ClickAsync();
            await ExpectHeadingAsync(page, "What we keep about you");
            await Expect(page.Locator("main")).ToContainTextAsync("dave.social@gmail.com");
            await Expect(page.Locator("main")).ToContainTextAsync("Not known: your login did not say which institution you belong to");
            await Expect(page.Locator("main")).ToContainTextAsync(new Regex(@"Everything here is deleted on \d{1,2} \w+ \d{4}, 365 days after your last sign-in"));
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download (JSON)" }))
                .ToHaveAttributeAsync("href", "/api/tenants/demo/me/data?format=json");
            Assert.True(await page.EvaluateAsync<bool>(
                "() => [...document.querySelectorAll('table.stored td, table.stored th')].every(c => c.getBoundingClientRect().right <= window.innerWidth)"),
                $"an item of 'Your data' is cut off at {width} px");
            await CheckPageAsync(page, width, "your-data");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download (JSON)" }).ClickAsync());
            Assert.EndsWith(".json", download.SuggestedFilename, StringComparison.Ordinal);
            Assert.Contains("dave.social@gmail.com", await File.ReadAllTextAsync((await download.PathAsync())!), StringComparison.Ordinal);

            await page.GetByRole(AriaRole.Link, new() { Name = "Erase my data" }).ClickAsync();
            await ExpectHeadingAsync(page, "Erase your data?");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Yes, erase my data" })).ToBeVisibleAsync();
            await CheckPageAsync(page, width, "erase-confirm");
            await page.GetByRole(AriaRole.Link, new() { Name = "No, keep it" }).ClickAsync();
            await Expect(page.Locator("main")).ToContainTextAsync("dave.social@gmail.com");
            await page.Context.CloseAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Dave_LinksTerrascope_ChecksAgain_SeesWhatChanged_AndIsSentOn()
    {
        var page = await NewPageAsync(390, TestContext.Current.CancellationToken);
        await page.GotoAsync(Url("api/tenants/demo/login?login_hint=dave&return_to=" + Uri.EscapeDataString(Back)));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check again" })).ToBeVisibleAsync();
        await DevPartner.SetLinkedAsync("dave", linked: true);
        try
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Check again" }).ClickAsync();

            await Expect(page.Locator("[role=status]")).ToContainTextAsync("We checked again just now. What changed:");
            await Expect(page.Locator("[role=status]")).ToContainTextAsync("Terrascope: To do → Done");
            await Expect(page.Locator("main")).ToContainTextAsync("You are all set");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue to Platform demo" })).ToHaveAttributeAsync("href", Back);
            await CheckPageAsync(page, 390, "checked-again");

            // A reload shows the page again; it does not check again.
            await page.ReloadAsync();
            await Expect(page.Locator("[role=status]")).ToContainTextAsync("Terrascope: To do → Done");
        }
        finally
        {
            // dave's record and the service's cached partner answer now say "linked": a fresh re-check
            // puts both back for the other tests.
            await DevPartner.SetLinkedAsync("dave", linked: false);
            var dave = Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "dave.social@gmail.com");
            await Service.Services.GetRequiredService<StatusService>().RecheckPartnersAsync(
                Service.Services.GetRequiredService<TenantCatalog>().Get("demo"), dave.RowKey, TestContext.Current.CancellationToken);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Bob_ChecksAgain_ThroughTheProviderOnAnotherSite_WithoutAPage_NothingChangedYet()
    {
        var page = await NewPageAsync(390, TestContext.Current.CancellationToken);
        await page.GotoAsync(Url("api/tenants/demo/login?login_hint=bob&return_to=" + Uri.EscapeDataString(Back)));
        var providerPages = new List<string>();
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame && frame.Url.StartsWith(Issuer, StringComparison.Ordinal))
            {
                providerPages.Add(frame.Url);
            }
        };

        // The membership is not done: the check goes to the provider (localhost, another site) with
        // prompt=none and comes back through the callback with the session cookie (SameSite=Lax).
        await page.GetByRole(AriaRole.Button, new() { Name = "Check again" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(Url("api/tenants/demo/me")) + @"\?checked=1&return_to="));
        await Expect(page.Locator("[role=status]")).ToContainTextAsync("We checked again just now. Nothing has changed yet.");
        await Expect(page.Locator("header")).ToContainTextAsync("bob@uni-bonn.de");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue to Platform demo" })).ToHaveAttributeAsync("href", Back);
        Assert.Empty(providerPages); // no page of the provider was shown: only redirects passed through it
    }

    [Fact(Timeout = 120_000)]
    public async Task Dave_UsesAnotherAccount_FromTheStatusPage_TheProviderAsks_WhereHeWasGoingKept()
    {
        var page = await NewPageAsync(390, TestContext.Current.CancellationToken);
        await page.GotoAsync(Url("api/tenants/demo/login?login_hint=dave&return_to=" + Uri.EscapeDataString(Back)));
        await Expect(page.Locator("header")).ToContainTextAsync("dave.social@gmail.com");

        await page.GetByRole(AriaRole.Link, new() { Name = "Use another account" }).ClickAsync();

        // The provider's own choice of account, not a silent sign-in as dave again.
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Issuer) + "/interaction/"));
        await page.Locator("button[name=account][value=alice]").ClickAsync();
        // alice is ready: straight on to where dave was going.
        await Expect(page).ToHaveURLAsync(Back);
        await page.GotoAsync(Url("api/tenants/demo/me"));
        await Expect(page.Locator("header")).ToContainTextAsync("alice@vito.be");
    }

    [Fact(Timeout = 120_000)]
    public async Task FrenchBrowser_GetsFrench_SwitchesToEnglish_KeptOnTheNextPage()
    {
        await using var context = await _chromium.Browser.NewContextAsync(new() { Locale = "fr-BE", ViewportSize = new() { Width = 390, Height = 844 } })
            .WaitAsync(TestContext.Current.CancellationToken);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("api/tenants/demo/login?login_hint=bob"));

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Platform demo");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Vérifier à nouveau" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Utiliser un autre compte" })).ToBeVisibleAsync();
        await CheckPageAsync(page, 390, "status-fr");

        await page.Locator("nav.languages").GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check again" })).ToBeVisibleAsync();

        await page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Your data" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en"); // the pick is kept, over Accept-Language
        await ExpectHeadingAsync(page, "What we keep about you");
    }

    private async Task<IPage> NewPageAsync(int width, CancellationToken cancellationToken)
    {
        var context = await _chromium.NewContextAsync(cancellationToken);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(width, 844);
        return page;
    }

    private static Task ExpectHeadingAsync(IPage page, string heading) =>
        Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);

    /// <summary>No axe violation, no sideways scrolling, and a screenshot (<c>journey/{name}-{width}.png</c>).</summary>
    private static async Task CheckPageAsync(IPage page, int width, string name)
    {
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{name} scrolls sideways at {width} px");
        await Axe.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, $"{name}-{width}");
    }
}
