using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Providers;

/// <summary>
/// Glewlwyd 2.7 (Debian), a certified OpenID provider nobody on the team wrote, as a tenant's issuer:
/// its own login, its ID-token algorithms, its <c>iss</c> at the redirect, both client
/// authentications with a secret full of <c>+ / =</c>, and its access tokens at <c>/me</c>.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class GlewlwydTests
{
    private const string Gina = "gina@uni-muenster.de";

    [Theory]
    [InlineData("onboarding-glewlwyd", "RS256")]
    [InlineData("onboarding-glewlwyd-es256", "ES256")]
    [InlineData("onboarding-glewlwyd-ps256", "PS256")]
    public async Task Gina_SignsInWithGlewlwydsOwnLogin_RecordedAsAMember(string clientId, string algorithm)
    {
        Assert.Equal(algorithm, await IdTokenAlgorithmAsync(clientId)); // the client's seeded key, seen at the provider
        await using var service = await ServiceHost.StartAsync([TestTenants.Glewlwyd(clientId)], TestEnvironment.ServicePort);

        var signIn = await SignInAsync(service, "gina");
        using var response = signIn.Response;

        Assert.Equal(TestEnvironment.GlewlwydIssuer, HttpUtility.ParseQueryString(signIn.Callback.Query)["iss"]); // RFC 9207, though discovery is silent
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Gina, body.GetProperty("email").GetString());
        Assert.Equal("uni-muenster.de", body.GetProperty("institution").GetString());
        Assert.Equal("DE", body.GetProperty("country").GetString());
        var membership = body.GetProperty("status").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "membership");
        Assert.Equal("done", membership.GetProperty("state").GetString());
        Assert.Single(await service.UsersAsync("glewlwyd"), u => u.Subject == "gina-0001@egi.eu");
    }

    [Fact]
    public async Task ClientSecretBasic_WithASecretOfPlusSlashAndEquals_GlewlwydDoesNotDecodeIt_TokenExchangeFailed_NothingStored()
    {
        await using var service = await StartWithASecretOfPlusSlashEqualsAsync("client_secret_basic");

        using var response = (await SignInAsync(service, "gina")).Response;

        await Onboarding.IntegrationTests.SignIn.CallbackAttackTests.AssertProblem(response, HttpStatusCode.BadRequest, "TokenExchangeFailed");
        Assert.Empty(await service.UsersAsync("glewlwyd"));
    }

    [Fact]
    public async Task ClientSecretPost_WithASecretOfPlusSlashAndEquals_SignsIn()
    {
        await using var service = await StartWithASecretOfPlusSlashEqualsAsync("client_secret_post");

        using var response = (await SignInAsync(service, "hugo")).Response;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var steps = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetProperty("steps");
        Assert.Equal("action_required", steps.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "membership").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Me_WithGlewlwydsAccessTokens_BothBearerForms_TheSamePerson()
    {
        await using var service = await ServiceHost.StartAsync([TestTenants.Glewlwyd()], TestEnvironment.ServicePort);
        using var response = (await SignInAsync(service, "gina")).Response;
        var signedIn = await response.Content.ReadFromJsonAsync<JsonElement>();
        var tokens = await TokensAsync("onboarding-glewlwyd", "gina");
        using var http = new HttpClient();

        foreach (var form in new[] { tokens.AccessToken!, "oidc/egi/" + tokens.AccessToken })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.BaseUrl, "api/tenants/glewlwyd/me"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", form);
            using var me = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            var body = await me.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(signedIn.GetProperty("user_id").GetString(), body.GetProperty("user_id").GetString());
        }
    }

    /// <summary>The service for a Glewlwyd tenant authenticating with <paramref name="authMethod"/>, with this run's client secret, which holds <c>+ / =</c>.</summary>
    private static Task<ServiceHost> StartWithASecretOfPlusSlashEqualsAsync(string authMethod)
    {
        Assert.Matches("[+/=]", TestEnvironment.GlewlwydClientSecret);
        return ServiceHost.StartAsync([TestTenants.Glewlwyd(authMethod: authMethod)], TestEnvironment.ServicePort);
    }

    /// <summary>A sign-in at the service through Glewlwyd's own login: the callback address it sent the browser to, and the service's answer there.</summary>
    private static async Task<(Uri Callback, HttpResponseMessage Response)> SignInAsync(ServiceHost service, string user)
    {
        using var browser = new Browser();
        var callback = await GlewlwydLogin.ToRedirectAsync(browser, new Uri(service.BaseUrl, "api/tenants/glewlwyd/login"), user);
        return (callback, await browser.GetAsync(callback));
    }

    /// <summary>The algorithm of the ID token Glewlwyd issues to this client, by a code flow of the test's own.</summary>
    private static async Task<string> IdTokenAlgorithmAsync(string clientId) =>
        new JsonWebToken((await TokensAsync(clientId, "gina")).IdentityToken).Alg;

    /// <summary>Tokens of a Glewlwyd user for a client, got as the platform's own client would get them.</summary>
    private static async Task<TokenResponse> TokensAsync(string clientId, string user)
    {
        using var http = new HttpClient();
        var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = TestEnvironment.GlewlwydIssuer,
            Policy = { RequireHttps = false },
        });
        Assert.False(discovery.IsError, discovery.Error);
        var redirectUri = $"http://127.0.0.1:{TestEnvironment.ServicePort}/api/tenants/glewlwyd/callback";
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var authorize = new RequestUrl(discovery.AuthorizeEndpoint!).CreateAuthorizeUrl(
            clientId: clientId, responseType: "code",
            scope: "openid email eduperson_entitlement eduperson_scoped_affiliation voperson_id",
            redirectUri: redirectUri, state: Guid.NewGuid().ToString("N"), nonce: Guid.NewGuid().ToString("N"),
            codeChallenge: Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), codeChallengeMethod: "S256");
        using var browser = new Browser();
        var redirect = await GlewlwydLogin.ToRedirectAsync(browser, new Uri(authorize), user);
        var tokens = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = clientId,
            ClientSecret = TestEnvironment.GlewlwydClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Code = HttpUtility.ParseQueryString(redirect.Query)["code"] ?? throw new InvalidOperationException("no code at the redirect"),
            RedirectUri = redirectUri,
            CodeVerifier = verifier,
        });
        Assert.False(tokens.IsError, tokens.Error);
        return tokens;
    }
}
