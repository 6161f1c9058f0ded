using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Journey;

/// <summary>
/// A person's whole journey in headless Chromium, with the provider on another site (localhost)
/// than the service (127.0.0.1), so the browser applies the cookie rules production meets.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class JourneyBrowserTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private Chromium _chromium = null!;

    private ServiceHost Service => host.Service;

    private static string Issuer => $"{TestEnvironment.IdpBaseUrl}/realms/demo";

    public async ValueTask InitializeAsync() => _chromium = await Chromium.LaunchAsync();

    public ValueTask DisposeAsync() => _chromium.DisposeAsync();

    [Fact(Timeout = 90_000)]
    public async Task Bob_SignsInAcrossSites_SeesHisStepAndALinkOn_Reloads_SignsOut_ThenSwitchesToAlice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        var cspViolations = WatchForCspViolations(page);
        var back = new Uri(Service.BaseUrl, "api/health").AbsoluteUri;

        // The platform sends bob here; he picks his account at the provider (another site).
        await page.GotoAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?return_to=" + Uri.EscapeDataString(back)).AbsoluteUri);
        await PickAccountAsync(page, "bob");

        // His status page, not the platform: he is not in the VO. No code or state in the address.
        var me = new Uri(Service.BaseUrl, "api/tenants/demo/me").AbsoluteUri;
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(me) + @"\?return_to="));
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("state=", page.Url, StringComparison.Ordinal);
        await AssertBobsStatusAsync(page, back);
        await Axe.AssertNoViolationsAsync(page);

        await page.ReloadAsync();
        await AssertBobsStatusAsync(page, back);

        // Sign out: the service's session ends, then the provider's (it asks to confirm).
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Issuer) + "/"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(Service.BaseUrl, "api/tenants/demo/signed-out").AbsoluteUri);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You are signed out");
        await Axe.AssertNoViolationsAsync(page);

        // Use another account: the provider asks who is signing in instead of signing bob in again.
        await page.GetByRole(AriaRole.Link, new() { Name = "Use another account" }).ClickAsync();
        await PickAccountAsync(page, "alice");
        await Expect(page.Locator("main")).ToContainTextAsync("alice@vito.be");
        await Expect(page.Locator("header")).ToContainTextAsync("alice@vito.be");
        await Expect(page.Locator(".steps li[data-step=membership]")).ToHaveClassAsync(new Regex(@"\bdone\b"));

        Assert.Empty(cspViolations);
    }

    [Fact(Timeout = 60_000)]
    public async Task StatusPage_At390PixelsWide_NeedsNoSidewaysScrolling_AndASpentSignInOffersContinue()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        var cspViolations = WatchForCspViolations(page);

        await page.GotoAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?login_hint=dave").AbsoluteUri);
        await Expect(page.Locator(".steps")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the status page scrolls sideways at 390 px");

        // A callback that was already used, while dave is still signed in: he just continues.
        await page.GotoAsync(new Uri(Service.BaseUrl, "api/tenants/demo/callback?state=used&code=x").AbsoluteUri);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You are already signed in");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue" })).ToHaveAttributeAsync("href", "/api/tenants/demo/me");
        await Axe.AssertNoViolationsAsync(page);

        // Signed out, the same link offers a new sign-in.
        await context.ClearCookiesAsync();
        await page.GotoAsync(new Uri(Service.BaseUrl, "api/tenants/demo/callback?state=used&code=x").AbsoluteUri);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This sign-in link was already used");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in again" })).ToHaveAttributeAsync("href", "/api/tenants/demo/login");
        await Axe.AssertNoViolationsAsync(page);
        Assert.Empty(cspViolations);
    }

    [Fact(Timeout = 90_000)]
    public async Task BackAfterSignIn_LandsOnAlreadySignedIn_WithContinue_NotAProvidersDeadEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        var back = new Uri(Service.BaseUrl, "api/health").AbsoluteUri;
        await page.GotoAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?return_to=" + Uri.EscapeDataString(back)).AbsoluteUri);
        await PickAccountAsync(page, "bob");
        await AssertBobsStatusAsync(page, back);

        await page.GoBackAsync();

        // The provider's page of the finished sign-in sends the browser on; the service's page for a
        // spent sign-in says he is still signed in, with Continue and where he was going kept.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You are already signed in");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue" }))
            .ToHaveAttributeAsync("href", "/api/tenants/demo/me?return_to=" + Uri.EscapeDataString(back));
        await Axe.AssertNoViolationsAsync(page);
        await Screenshots.SaveAsync(page, "already-signed-in-1000");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await AssertBobsStatusAsync(page, back);
    }

    private static async Task PickAccountAsync(IPage page, string account)
    {
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Issuer) + "/interaction/"));
        await page.Locator($"button[name=account][value={account}]").ClickAsync();
    }

    private static async Task AssertBobsStatusAsync(IPage page, string back)
    {
        var membership = page.Locator(".steps li[data-step=membership]");
        await Expect(membership).ToHaveClassAsync(new Regex(@"\baction-required\b"));
        await Expect(membership.GetByRole(AriaRole.Link, new() { Name = "Join vo.openeo.cloud" }))
            .ToHaveAttributeAsync("href", "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue to Platform demo" })).ToHaveAttributeAsync("href", back);
        await Expect(page.Locator("header")).ToContainTextAsync("bob@uni-bonn.de");
    }

    /// <summary>Chromium reports every blocked style or script on the console: the pages must cause none.</summary>
    private static List<string> WatchForCspViolations(IPage page)
    {
        var found = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (found)
                {
                    found.Add(message.Text);
                }
            }
        };
        return found;
    }
}
