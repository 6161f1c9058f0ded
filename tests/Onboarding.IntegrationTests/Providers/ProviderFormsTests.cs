using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;
using static Onboarding.IntegrationTests.SignIn.CallbackAttackTests;

namespace Onboarding.IntegrationTests.Providers;

/// <summary>
/// What other certified providers do differently (FIELD.md), against a provider whose answers the
/// test controls: signed userinfo, client authentication methods, issuer exactness, endpoints on
/// another host, algorithms refused for what they are. Configuration errors are not outages.
/// </summary>
public sealed class ProviderFormsTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;

    public async ValueTask InitializeAsync() => _provider = await TestOidcProvider.StartAsync();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private static Task<ServiceHost> ServiceFor(TenantDocument tenant) => ServiceHost.StartAsync([tenant]);

    private static async Task<HttpResponseMessage> SignInAsync(ServiceHost service)
    {
        using var browser = new Browser();
        var (response, _) = await browser.FollowAsync(new Uri(service.BaseUrl, "api/tenants/rp/login"));
        return response;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(TestOidcProvider.ClientId)]
    public async Task SignedUserInfo_VerifiedAndRead_WithOrWithoutAud(string? audience)
    {
        _provider.SignUserInfo = true;
        _provider.UserInfoAudience = audience;
        await using var service = await ServiceFor(TestTenants.Rp(_provider));

        using var response = await SignInAsync(service);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{_provider.Subject}@example.org", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
    }

    [Theory]
    [InlineData(true, "Application/JWT")]
    [InlineData(false, "Application/JSON; charset=UTF-8")]
    public async Task UserInfoContentType_ComparedIgnoringCase(bool asJwt, string contentType)
    {
        _provider.SignUserInfo = asJwt;
        _provider.UserInfoContentType = contentType;
        await using var service = await ServiceFor(TestTenants.Rp(_provider));

        using var response = await SignInAsync(service);

        Assert.True(response.StatusCode == HttpStatusCode.OK, service.Logs.All);
        Assert.Equal($"{_provider.Subject}@example.org", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
    }

    [Fact]
    public async Task SignedUserInfo_ForAnotherClient_Refused_WithTheReasonInTheLog()
    {
        _provider.SignUserInfo = true;
        _provider.UserInfoAudience = "another-client";
        await using var service = await ServiceFor(TestTenants.Rp(_provider));

        using var response = await SignInAsync(service);

        await AssertProblem(response, HttpStatusCode.BadRequest, "UserInfoInvalid");
        Assert.Contains("signed userinfo: aud does not contain the client id", service.Logs.All, StringComparison.Ordinal);
        Assert.Empty(await service.UsersAsync("rp"));
    }

    [Fact]
    public async Task ClientSecretPost_SendsTheSecretInTheBody_NotTheHeader()
    {
        _provider.TokenEndpointAuthMethods = ["client_secret_basic", "client_secret_post"];
        await using var service = await ServiceFor(TestTenants.Rp(_provider) with { TokenEndpointAuthMethod = "client_secret_post" });

        using var response = await SignInAsync(service);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(_provider.LastTokenAuthorization);
        Assert.Equal(TestOidcProvider.ClientSecret, _provider.LastTokenForm!["client_secret"]);
    }

    [Fact]
    public async Task AMethodTheProviderDoesNotOffer_ConfigurationError_NotAnOutage_NothingStored()
    {
        _provider.TokenEndpointAuthMethods = ["client_secret_basic"];
        await using var service = await ServiceFor(TestTenants.Rp(_provider) with { TokenEndpointAuthMethod = "client_secret_post" });

        using var response = await SignInAsync(service);

        await AssertProblem(response, HttpStatusCode.BadGateway, "OidcProviderMisconfigured");
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Contains("the tenant authenticates with client_secret_post, the provider offers client_secret_basic", service.Logs.All, StringComparison.Ordinal);
        Assert.Empty(await service.UsersAsync("rp"));
    }

    [Theory]
    [InlineData("/")]   // the tenant adds a slash the provider's issuer does not have
    public async Task IssuerNotExactlyTheDiscoveredOne_RefusedAtLogin_BeforeAnyoneTypesAPassword_BothInTheLog(string suffix)
    {
        await using var service = await ServiceFor(TestTenants.Rp(_provider) with { Issuer = _provider.Issuer + suffix });
        using var browser = new Browser();

        using var login = await browser.GetAsync(new Uri(service.BaseUrl, "api/tenants/rp/login"));

        await AssertProblem(login, HttpStatusCode.BadGateway, "OidcProviderMisconfigured");
        Assert.Null(_provider.LastAuthorizeQuery); // nobody was sent to the provider
        var log = service.Logs.All;
        Assert.Contains($"discovery names the issuer '{_provider.Issuer}', the tenant's is '{_provider.Issuer}/'", log, StringComparison.Ordinal);
        Assert.Contains("Error Onboarding.SignIn.ProviderMetadata", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointsOnAnotherHost_RefusedAndLoggedWithTheRule_UnlessTheTenantTrustsThatHost()
    {
        var elsewhere = _provider.Issuer.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        _provider.EndpointBase = elsewhere;
        await using (var strict = await ServiceFor(TestTenants.Rp(_provider)))
        {
            using var browser = new Browser();
            using var login = await browser.GetAsync(new Uri(strict.BaseUrl, "api/tenants/rp/login"));

            await AssertProblem(login, HttpStatusCode.BadGateway, "OidcProviderMisconfigured");
            Assert.Contains("discovery breaks the policy", strict.Logs.All, StringComparison.Ordinal);
        }

        var trusting = TestTenants.Rp(_provider) with { TrustedEndpointBaseAddresses = [new Uri(elsewhere).GetLeftPart(UriPartial.Authority)] };
        await using var service = await ServiceFor(trusting);
        using var response = await SignInAsync(service);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(Signing.EdDsa, "alg 'EdDSA' refused")]
    [InlineData(Signing.Hs512, "alg 'HS512' refused")]
    public async Task IdTokenOfAnAlgorithmNotAccepted_RefusedForItsAlgorithm_NotAsKeyNotFound(Signing signing, string logged)
    {
        _provider.Signing = signing;
        await using var service = await ServiceFor(TestTenants.Rp(_provider));

        using var response = await SignInAsync(service);

        await AssertProblem(response, HttpStatusCode.BadRequest, "IdTokenInvalid");
        Assert.Contains(logged, service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("KeyNotFound", service.Logs.All, StringComparison.Ordinal);
    }
}
