using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.SignIn;

/// <summary>
/// Callbacks that must fail against the real development provider: replay, another browser, unknown
/// state, an <c>iss</c> naming another provider, an error from the provider, an open redirect.
/// Each fails with a clear code and writes no user.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class CallbackAttackTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    [Fact]
    public async Task ReplayedCallback_Fails_AndCountsOnce()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "other", "carol");
        using var first = await browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var replay = await browser.GetAsync(callback);

        await AssertProblem(replay, HttpStatusCode.BadRequest, "LoginAttemptUnknown");
        var stored = Assert.Single(await Service.UsersAsync("other"), u => u.Email == "carol@eodc.eu");
        Assert.Equal(1, stored.SignInCount);
    }

    [Fact]
    public async Task CallbackInAnotherBrowser_Fails_ThenTheRightBrowserStillSucceeds()
    {
        using var victim = new Browser();
        using var attacker = new Browser();
        var callback = await victim.CallbackUrlAsync(Service.BaseUrl, "demo", "carol");

        using var stolen = await attacker.GetAsync(callback);

        await AssertProblem(stolen, HttpStatusCode.BadRequest, "LoginAttemptNotThisBrowser");
        Assert.DoesNotContain(await Service.UsersAsync("demo"), u => u.Email == "carol@eodc.eu");

        using var own = await victim.GetAsync(callback);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task CallbackInABrowserWithItsOwnLoginCookie_Fails()
    {
        using var victim = new Browser();
        using var attacker = new Browser();
        var callback = await victim.CallbackUrlAsync(Service.BaseUrl, "demo", "olivia");
        await attacker.CallbackUrlAsync(Service.BaseUrl, "demo", "bob"); // the attacker's own binding cookie

        using var stolen = await attacker.GetAsync(callback);

        await AssertProblem(stolen, HttpStatusCode.BadRequest, "LoginAttemptNotThisBrowser");
        Assert.DoesNotContain(await Service.UsersAsync("demo"), u => u.Email == "olivia@openeo.cloud");
    }

    [Fact]
    public async Task UnknownState_Fails()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "demo", "olivia");
        var forged = new Uri(System.Text.RegularExpressions.Regex.Replace(callback.AbsoluteUri, "state=[^&]+", "state=forged-state-value"));

        using var response = await browser.GetAsync(forged);

        await AssertProblem(response, HttpStatusCode.BadRequest, "LoginAttemptUnknown");
        Assert.DoesNotContain(await Service.UsersAsync("demo"), u => u.Email == "olivia@openeo.cloud");
    }

    [Fact]
    public async Task IssParameterOfAnotherProvider_Fails()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "demo", "olivia");
        var otherIssuer = Uri.EscapeDataString($"{TestEnvironment.IdpBaseUrl}/realms/other");
        var mixedUp = new Uri(System.Text.RegularExpressions.Regex.Replace(callback.AbsoluteUri, "iss=[^&]+", "iss=" + otherIssuer));

        using var response = await browser.GetAsync(mixedUp);

        await AssertProblem(response, HttpStatusCode.BadRequest, "IssuerMismatch");
        Assert.DoesNotContain(await Service.UsersAsync("demo"), u => u.Email == "olivia@openeo.cloud");
    }

    [Fact]
    public async Task IssParameterMissing_WhenTheProviderAdvertisesIt_Fails()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "demo", "olivia");
        var stripped = new Uri(System.Text.RegularExpressions.Regex.Replace(callback.AbsoluteUri, "&?iss=[^&]+", ""));

        using var response = await browser.GetAsync(stripped);

        await AssertProblem(response, HttpStatusCode.BadRequest, "IssuerMismatch");
    }

    [Fact]
    public async Task ErrorFromTheProvider_ShowsAClearMessage_WritesNothing()
    {
        using var browser = new Browser("text/html");
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "demo", "olivia");
        var state = System.Web.HttpUtility.ParseQueryString(callback.Query)["state"];
        var before = await Service.CountAsync("users");

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl,
            $"api/tenants/demo/callback?error=access_denied&error_description=%3Cscript%3E&state={state}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("The sign-in was cancelled", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/tenants/demo/login\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Equal(before, await Service.CountAsync("users"));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://editor.openeo.cloud.evil.example/")]
    [InlineData("https://editor.openeo.cloud@evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http://editor.openeo.cloud/")]
    public async Task ReturnToElsewhere_RefusedBeforeAnythingHappens(string returnTo)
    {
        using var browser = new Browser();
        var attemptsBefore = await Service.CountAsync("consumedstates");

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl,
            $"api/tenants/demo/login?return_to={Uri.EscapeDataString(returnTo)}"));

        await AssertProblem(response, HttpStatusCode.BadRequest, "ReturnToNotAllowed");
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal(attemptsBefore, await Service.CountAsync("consumedstates"));
    }

    [Fact]
    public async Task UnknownTenant_NotFound()
    {
        using var browser = new Browser();

        using var login = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/nope/login"));
        using var callback = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/nope/callback?code=x&state=y"));

        await AssertProblem(login, HttpStatusCode.NotFound, "TenantNotFound");
        await AssertProblem(callback, HttpStatusCode.NotFound, "TenantNotFound");
    }

    [Fact]
    public async Task ProviderDown_LoginAnswers503WithRetryAfter_WritesNothing()
    {
        using var browser = new Browser();
        var attemptsBefore = await Service.CountAsync("consumedstates");

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/down/login"));

        await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "OidcProviderUnavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(attemptsBefore, await Service.CountAsync("consumedstates"));
    }

    [Fact]
    public async Task Health_AnswersOk()
    {
        using var browser = new Browser();

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, "api/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("message").GetString()));
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
