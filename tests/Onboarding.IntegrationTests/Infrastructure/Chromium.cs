using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Headless Chromium for page tests: Debian's <c>/usr/bin/chromium</c> (installed by ./test.sh),
/// driven by Playwright, which never downloads a browser of its own.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // The machine's network is closed: keep Chromium from calling home (it would flood refused connections).
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} is missing: ./test.sh installs Debian's chromium package");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Args,
            Timeout = 30_000,
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>A fresh context (cookies of its own, or those of <paramref name="storageState"/>), closed if the test is cancelled.</summary>
    public async Task<IBrowserContext> NewContextAsync(CancellationToken cancellationToken, bool javaScript = true,
        string? storageState = null, int timeoutMs = 15_000)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript,
            StorageState = storageState,
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1000, Height = 800 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(timeoutMs);
        context.SetDefaultNavigationTimeout(timeoutMs);
        cancellationToken.Register(() => _ = context.CloseAsync());
        return context;
    }

    /// <summary>
    /// From a page's "Sign in as staff", through the development provider's login page (no
    /// login_hint: a person picks the account), to the staff page.
    /// </summary>
    public static async Task SignInAsStaffAsync(IPage page, string startUrl, Uri service, string account, string role)
    {
        var issuer = $"{TestEnvironment.IdpBaseUrl}/realms/demo";
        var staffUrl = new Uri(service, "api/tenants/demo/staff").ToString();
        await page.GotoAsync(startUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in as staff" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(issuer) + "/interaction/"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Development sign-in (realm demo)");
        await page.Locator($"button[name=account][value={account}]").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(staffUrl) + "$"));
        await Expect(page.Locator("header.site")).ToContainTextAsync($"Signed in as staff: {role}");
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
