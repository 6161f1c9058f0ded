using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Onboarding.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Onboarding.IntegrationTests.Journey;

/// <summary>
/// The provider down: <c>/login</c> shows the service's own page (with Retry-After) instead of sending
/// the browser to a provider that refuses connections, and so does a callback the provider fails. Each
/// page says what happened and offers "Try again" keeping where the person was going; at 1280 and
/// 390 px, with no axe violation.
/// </summary>
public sealed class ProviderDownBrowserTests : TestProviderTests, IAsyncLifetime
{
    private const string Back = "https://editor.openeo.cloud/";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private Chromium _chromium = null!;

    protected override TimeProvider Clock => _clock;

    private const string LoginPath = "/api/tenants/rp/login?return_to=https%3A%2F%2Feditor.openeo.cloud%2F";

    private string Login => new Uri(Service.BaseUrl, LoginPath).AbsoluteUri;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _chromium = await Chromium.LaunchAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await DisposeAsync();
    }

    /// <summary>A sign-in while the provider answers: its discovery document is cached, and it was seen to answer.</summary>
    private async Task SignInWhileUpAsync()
    {
        using var browser = new Browser();
        using var signedIn = await browser.SignInAsync(Service.BaseUrl, "rp", "x");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact(Timeout = 90_000)]
    public async Task ProviderStoppedAnswering_LoginShowsTheServicesPage_NotTheBrowsersConnectionError()
    {
        await SignInWhileUpAsync();
        await Provider.StopAsync();

        // Seen answering a moment ago: still believed up (no probe on every login).
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            using var believed = await http.GetAsync(Login, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, believed.StatusCode);

            // After the freshness period, one probe of the discovery document finds it down.
            _clock.Advance(TimeSpan.FromSeconds(16));
            using var request = new HttpRequestMessage(HttpMethod.Get, Login);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var problem = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, problem.StatusCode);
            Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"code\":\"OidcProviderUnavailable\"", await problem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.NotNull(problem.Headers.RetryAfter);
        }

        Assert.Contains("Probe of the provider of tenant rp failed", Service.Logs.All, StringComparison.Ordinal);
        foreach (var width in new[] { 1280, 390 })
        {
            await using var context = await _chromium.NewContextAsync(TestContext.Current.CancellationToken);
            var page = await context.NewPageAsync();
            await page.SetViewportSizeAsync(width, 844);
            var response = await page.GotoAsync(Login);
            Assert.Equal(503, response!.Status);
            Assert.NotNull(response.Headers.GetValueOrDefault("retry-after"));
            await AssertUnavailablePageAsync(page, LoginPath);
            await Screenshots.SaveAsync(page, $"provider-down-{width}");
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task ProviderFailsDuringTheCallback_TheSamePage_TryAgainKeepsWhereThePersonWasGoing()
    {
        Provider.TokenEndpointDown = true;
        await using var context = await _chromium.NewContextAsync(TestContext.Current.CancellationToken);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);

        var response = await page.GotoAsync(Login).WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(503, response!.Status);
        Assert.Contains("/api/tenants/rp/callback", page.Url, StringComparison.Ordinal);
        await AssertUnavailablePageAsync(page, LoginPath);
        Assert.Empty(await Service.UsersAsync("rp"));
        Assert.Equal(1, Provider.TokenRequests); // a code is single-use: its exchange is never retried

        // The provider answers again: "Try again" signs the person in and sends them on.
        Provider.TokenEndpointDown = false;
        await page.GetByRole(AriaRole.Link, new() { Name = "Try again" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Welcome to Relying-party checks");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue to Relying-party checks" })).ToHaveAttributeAsync("href", Back);
    }

    private static async Task AssertUnavailablePageAsync(IPage page, string tryAgain)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign-in is not available right now");
        await Expect(page.Locator("main")).ToContainTextAsync("We cannot reach the login service at the moment");
        await Expect(page.Locator("main")).ToContainTextAsync("You can try again in 30 seconds.");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Try again" })).ToHaveAttributeAsync("href", tryAgain);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await Axe.AssertNoViolationsAsync(page);
    }
}
