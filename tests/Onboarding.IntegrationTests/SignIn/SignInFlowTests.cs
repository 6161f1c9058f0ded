using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.SignIn;

/// <summary>Whole sign-ins through the development identity provider (oidc-provider) and Azurite.</summary>
[Collection(DevProviderCollection.Name)]
public sealed class SignInFlowTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    [Fact]
    public async Task Alice_SignsIn_RecordedWithInstitutionAndCountry()
    {
        using var browser = new Browser();

        using var response = await browser.SignInAsync(Service.BaseUrl, "demo", "alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("demo", body.GetProperty("tenant").GetString());
        Assert.Equal("alice@vito.be", body.GetProperty("email").GetString());
        Assert.Equal("vito.be", body.GetProperty("institution").GetString());
        Assert.Equal("BE", body.GetProperty("country").GetString());
        Assert.True(body.GetProperty("first_login").GetBoolean());
        var userId = body.GetProperty("user_id").GetString();

        var stored = Assert.Single(await Service.UsersAsync("demo"), u => u.RowKey == userId);
        Assert.Equal("vito.be", stored.Institution);
        Assert.Equal(1, stored.SignInCount);
        Assert.EndsWith("@egi.eu", stored.Subject, StringComparison.Ordinal); // keyed on voperson_id, not email
    }

    [Fact]
    public async Task Dave_SocialLogin_InstitutionAndCountryUnknown()
    {
        using var browser = new Browser();

        using var response = await browser.SignInAsync(Service.BaseUrl, "demo", "dave");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("dave.social@gmail.com", body.GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("institution").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("country").ValueKind);
    }

    [Fact]
    public async Task SecondSignIn_UpdatesTheSameRecord_CountTwo()
    {
        using var browser = new Browser();

        using var first = await browser.SignInAsync(Service.BaseUrl, "demo", "bob");
        using var second = await browser.SignInAsync(Service.BaseUrl, "demo", "bob");

        var body = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("first_login").GetBoolean());
        Assert.Equal(2, body.GetProperty("sign_in_count").GetInt32());
        var stored = Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "bob@uni-bonn.de");
        Assert.Equal(2, stored.SignInCount);
        Assert.True(stored.LastSignInAt > stored.FirstSignInAt);
    }

    [Fact]
    public async Task ConcurrentSignIns_OfOnePerson_BothCounted_OneRecord()
    {
        using var a = new Browser();
        using var b = new Browser();
        var urlA = await a.CallbackUrlAsync(Service.BaseUrl, "other", "olivia");
        var urlB = await b.CallbackUrlAsync(Service.BaseUrl, "other", "olivia");

        var responses = await Task.WhenAll(a.GetAsync(urlA), b.GetAsync(urlB));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = Assert.Single(await Service.UsersAsync("other"), u => u.Email == "olivia@openeo.cloud");
        Assert.Equal(2, stored.SignInCount);
    }

    [Fact]
    public async Task Browser_GetsAPageSayingWhoSignedIn()
    {
        using var browser = new Browser("text/html");

        using var response = await browser.SignInAsync(Service.BaseUrl, "other", "alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("alice@vito.be", html, StringComparison.Ordinal);
        Assert.Contains("vito.be", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnTo_AnAllowedOrigin_SeeOtherToIt()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "other", "dave", "https://editor.openeo.cloud/?welcome=1");

        using var response = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("https://editor.openeo.cloud/?welcome=1", response.Headers.Location?.AbsoluteUri);
        Assert.Contains(await Service.UsersAsync("other"), u => u.Email == "dave.social@gmail.com");
    }

    [Fact]
    public async Task Login_RedirectsWithStateNonceAndPkceS256_AndSetsABindingCookie()
    {
        using var browser = new Browser();

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?login_hint=alice"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("onboarding-demo", query["client_id"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"]!.Length);
        Assert.True(query["state"]!.Length >= 22); // at least 128 bits
        Assert.True(query["nonce"]!.Length >= 22);
        Assert.Equal("alice", query["login_hint"]);
        Assert.Equal(new Uri(Service.BaseUrl, "api/tenants/demo/callback").AbsoluteUri, query["redirect_uri"]);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("onboarding-login-demo=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/;", cookie + ";", StringComparison.OrdinalIgnoreCase);
    }
}
