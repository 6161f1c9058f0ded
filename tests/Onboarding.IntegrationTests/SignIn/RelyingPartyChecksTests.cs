using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.SignIn.CallbackAttackTests;

namespace Onboarding.IntegrationTests.SignIn;

/// <summary>
/// The OpenID Foundation's basic relying-party checks, against a provider whose tokens the test
/// controls. Every refused token fails with a clear code and leaves no user behind.
/// </summary>
public sealed class RelyingPartyChecksTests : TestProviderTests
{

    private async Task<HttpResponseMessage> SignInAsync()
    {
        using var browser = new Browser();
        var (response, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login"));
        return response;
    }

    private async Task AssertRefused(string code, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        using var response = await SignInAsync();
        await AssertProblem(response, status, code);
        Assert.Empty(await Service.UsersAsync("rp"));
    }

    [Fact]
    public async Task NormalCodeFlow_Succeeds_WithClientSecretBasicAndPkce()
    {
        using var response = await SignInAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"{Provider.Subject}@example.org", body.GetProperty("email").GetString()); // userinfo claims read
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{TestOidcProvider.ClientId}:{Uri.EscapeDataString(TestOidcProvider.ClientSecret)}"));
        Assert.Equal(basic, Provider.LastTokenAuthorization);
        Assert.Equal("S256", Provider.LastAuthorizeQuery!["code_challenge_method"]);
        Assert.Single(await Service.UsersAsync("rp"));
    }

    [Fact]
    public Task IdTokenWithWrongIssuer_Refused()
    {
        Provider.MutateIdToken = c => c["iss"] = "https://evil.example/";
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithoutSub_Refused()
    {
        Provider.MutateIdToken = c => c.Remove("sub");
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithWrongAudience_Refused()
    {
        Provider.MutateIdToken = c => c["aud"] = "someone-else";
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithAnUntrustedExtraAudience_Refused()
    {
        Provider.MutateIdToken = c =>
        {
            c["aud"] = new[] { TestOidcProvider.ClientId, "someone-else" };
            c["azp"] = TestOidcProvider.ClientId;
        };
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithAnotherAuthorizedParty_Refused()
    {
        Provider.MutateIdToken = c => c["azp"] = "someone-else";
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithoutIat_Refused()
    {
        Provider.MutateIdToken = c => c.Remove("iat");
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenIssuedInTheFuture_Refused()
    {
        Provider.MutateIdToken = c => c["iat"] = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task ExpiredIdToken_Refused()
    {
        Provider.MutateIdToken = c =>
        {
            c["iat"] = DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeSeconds();
            c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        };
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithWrongNonce_Refused()
    {
        Provider.MutateIdToken = c => c["nonce"] = "not-the-nonce";
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithAlgNone_Refused()
    {
        Provider.Signing = Signing.AlgNone;
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenSignedWithHmac_Refused()
    {
        Provider.Signing = Signing.Hmac;
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public Task IdTokenWithABadRs256Signature_Refused()
    {
        Provider.Signing = Signing.UnpublishedKey;
        return AssertRefused("IdTokenInvalid");
    }

    [Fact]
    public async Task IdTokenWithoutKid_SingleKeyInTheSet_Accepted()
    {
        Provider.Signing = Signing.NoKid;

        using var response = await SignInAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task IdTokenWithoutKid_SeveralKeysInTheSet_AcceptedOnlyIfOneVerifies()
    {
        Provider.Signing = Signing.NoKid;
        Provider.PublishedKeys.Insert(0, TestOidcProvider.NewKey("key-0"));

        using var response = await SignInAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the key that verifies is in the set
    }

    [Fact]
    public async Task ProviderRotatesItsKey_UnknownKidRefreshesTheKeySetOnce()
    {
        using (var first = await SignInAsync())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var rotated = TestOidcProvider.NewKey("key-2");
        Provider.PublishedKeys.Clear();
        Provider.PublishedKeys.Add(rotated);
        Provider.SigningKey = rotated;
        Provider.Subject = "after-rotation";
        var jwksBefore = Provider.JwksRequests;

        using var second = await SignInAsync();

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(jwksBefore + 1, Provider.JwksRequests);
    }

    [Fact]
    public Task UserInfoWithAnotherSub_Refused()
    {
        Provider.UserInfoSub = "somebody-else";
        return AssertRefused("UserInfoInvalid");
    }

    [Fact]
    public Task IssParameterOfAnotherIssuer_Refused()
    {
        Provider.IssParameterValue = "https://aai.egi.eu/auth/realms/egi";
        return AssertRefused("IssuerMismatch");
    }

    [Fact]
    public Task IssParameterMissing_WhenAdvertised_Refused()
    {
        Provider.SendIssParameter = false;
        return AssertRefused("IssuerMismatch");
    }

    [Fact]
    public async Task IssParameterMissing_WhenNotAdvertised_Accepted()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        provider.AdvertiseIssParameter = false;
        provider.SendIssParameter = false;
        await using var service = await ServiceHost.StartAsync([TestTenants.Rp(provider)]);
        using var browser = new Browser();

        var (response, _) = await browser.FollowAsync(new Uri(service.BaseUrl, "api/tenants/rp/login"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TwoCallbacksWithTheSameState_AtTheSameMoment_ExactlyOneSignsIn()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "x");

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => browser.GetAsync(callback)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK),
            r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(1, Assert.Single(await Service.UsersAsync("rp")).SignInCount);
    }

    [Fact]
    public async Task TokenEndpointDown_503WithRetryAfter_NothingWritten()
    {
        Provider.TokenEndpointDown = true;

        using var response = await SignInAsync();

        await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "OidcProviderUnavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Empty(await Service.UsersAsync("rp"));
    }
}
