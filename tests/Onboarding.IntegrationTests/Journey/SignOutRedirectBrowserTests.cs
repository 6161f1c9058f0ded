using Microsoft.Playwright;
using Onboarding.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Journey;

/// <summary>
/// Sign-out in headless Chromium when the provider's <c>end_session_endpoint</c> is not on its issuer's
/// origin but on a host the tenant trusts: the form POST is answered with a 303 there, and Chromium
/// checks the page's <c>form-action</c> on that redirect too.
/// </summary>
public sealed class SignOutRedirectBrowserTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private Chromium _chromium = null!;

    public async ValueTask InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _chromium = await Chromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task SignOut_RedirectedToAnEndSessionEndpointOnATrustedHost_NotBlockedByTheCsp()
    {
        var ct = TestContext.Current.CancellationToken;
        var elsewhere = _provider.Issuer.Replace("127.0.0.1", "localhost", StringComparison.Ordinal); // another origin, same provider
        _provider.EndSessionEndpoint = elsewhere + "/logout";
        var tenant = TestTenants.Rp(_provider) with { TrustedEndpointBaseAddresses = [new Uri(elsewhere).GetLeftPart(UriPartial.Authority)] };
        await using var service = await ServiceHost.StartAsync([tenant]);
        await using var context = await _chromium.NewContextAsync(ct);
        var page = await context.NewPageAsync();
        var cspViolations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (cspViolations)
                {
                    cspViolations.Add(message.Text);
                }
            }
        };

        await page.GotoAsync(new Uri(service.BaseUrl, "api/tenants/rp/login").AbsoluteUri);
        await Expect(page.Locator("header")).ToContainTextAsync($"{_provider.Subject}@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(service.BaseUrl, "api/tenants/rp/signed-out").AbsoluteUri);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You are signed out");
        Assert.Empty(cspViolations);
    }
}
