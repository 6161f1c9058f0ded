using System.Net;
using System.Net.Http.Headers;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Journey;

/// <summary>CORS for the tenant's browser apps on the JSON API, and the hardening headers every answer carries.</summary>
[Collection(DevProviderCollection.Name)]
public sealed class CorsAndHeadersTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private const string Editor = "https://editor.openeo.cloud";

    private ServiceHost Service => host.Service;

    [Theory]
    [InlineData("me", "GET")]
    [InlineData("me", "DELETE")]
    [InlineData("me/data", "GET")]
    [InlineData("reports/uptake", "GET")]
    public async Task Preflight_FromAnAllowedOrigin_GrantedForExactlyThatOrigin_NoCredentials(string path, string method)
    {
        using var response = await Preflight($"api/tenants/demo/{path}", Editor, method);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Editor, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("Authorization", Header(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("api/tenants/demo/me", "https://evil.example")]
    [InlineData("api/tenants/demo/me", "https://editor.openeo.cloud.evil.example")]
    [InlineData("api/tenants/other/me", "https://example.org")] // not one of other's origins
    [InlineData("api/tenants/demo/staff", Editor)] // a page, not the JSON API
    [InlineData("api/tenants/demo/login", Editor)]
    public async Task Preflight_OtherOriginsOrPages_NoGrant(string path, string origin)
    {
        using var response = await Preflight(path, origin, "GET");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task ApiAnswer_ToAnAllowedOrigin_CarriesTheGrant_AlsoOnAnError()
    {
        using var http = new HttpClient();
        var token = await DevTokens.AccessTokenAsync("alice");
        using var ok = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/demo/me"));
        ok.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        ok.Headers.Add("Origin", Editor);
        using var refused = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/demo/me"));
        refused.Headers.Add("Origin", Editor);

        using var okResponse = await http.SendAsync(ok);
        using var refusedResponse = await http.SendAsync(refused);

        Assert.Equal(HttpStatusCode.OK, okResponse.StatusCode);
        Assert.Equal(Editor, Header(okResponse, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Unauthorized, refusedResponse.StatusCode);
        Assert.Equal(Editor, Header(refusedResponse, "Access-Control-Allow-Origin"));
        Assert.Contains("Origin", okResponse.Headers.Vary);
    }

    [Theory]
    [InlineData("api/tenants/demo/login?login_hint=alice")]
    [InlineData("api/tenants/demo/me")]
    [InlineData("api/tenants/demo/me/erase")]
    [InlineData("api/tenants/demo/staff")]
    [InlineData("api/tenants/demo/reports")]
    [InlineData("api/tenants/demo/signed-out")]
    [InlineData("api/tenants/demo/callback?state=x&code=y")]
    [InlineData("api/tenants/nope/me")]
    public async Task EveryAnswer_CarriesTheHardeningHeaders(string path)
    {
        using var browser = new Browser("text/html");

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, path));

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("Strict-Transport-Security")); // plain-http loopback lab
    }

    [Fact]
    public async Task Pages_FormsGoOnlyToTheServiceAndTheTenantsProvider()
    {
        using var browser = new Browser("text/html");

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/staff"));

        Assert.Contains($"form-action 'self' {TestEnvironment.IdpBaseUrl};", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> Preflight(string path, string origin, string method)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(Service.BaseUrl, path));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return await http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : "";
}
