using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.SignIn.CallbackAttackTests;

namespace Onboarding.IntegrationTests.Status;

/// <summary><c>GET /api/tenants/{tenant}/me</c> with bearer tokens from the development provider.</summary>
[Collection(DevProviderCollection.Name)]
public sealed class MeTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    private async Task<HttpResponseMessage> MeAsync(string tenant, string? authorization)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, $"api/tenants/{tenant}/me"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task DeviceFlowUser_FirstTokenRegistersThem_MoreTokensTheSameDayDoNotCountAgain()
    {
        var token = await DevTokens.AccessTokenAsync("carol");
        var before = (await Service.UsersAsync("demo")).SingleOrDefault(u => u.Email == "carol@eodc.eu")?.SignInCount ?? 0;
        // A person is counted once a day through their tokens; one who signed in already today is not counted again.
        var expected = Math.Max(before, 1);

        using var first = await MeAsync("demo", $"Bearer {token}");
        using var again = await MeAsync("demo", $"Bearer oidc/egi/{token}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("carol@eodc.eu", body.GetProperty("email").GetString());
        Assert.Equal("eodc.eu", body.GetProperty("institution").GetString());
        Assert.Equal("AT", body.GetProperty("country").GetString()); // .eu says no country: the tenant's institutionCountries does
        Assert.Equal(expected, body.GetProperty("sign_in_count").GetInt32());
        Assert.False(body.TryGetProperty("eduperson_entitlement", out _)); // userinfo is not echoed
        var stored = Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "carol@eodc.eu");
        Assert.Equal(expected, stored.SignInCount);

        var newToken = await DevTokens.AccessTokenAsync("carol");
        using var third = await MeAsync("demo", $"Bearer {newToken}");
        Assert.Equal(expected, (await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sign_in_count").GetInt32());
    }

    [Fact]
    public async Task Me_ShowsTheStatus_MembershipFromTheToken()
    {
        var token = await DevTokens.AccessTokenAsync("olivia");

        using var response = await MeAsync("demo", $"Bearer oidc/egi/{token}");

        var status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status");
        var membership = status.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "membership");
        Assert.Equal("action_required", membership.GetProperty("state").GetString()); // VO member, but no platform role
    }

    [Fact]
    public async Task NoToken_401AuthenticationRequired()
    {
        using var response = await MeAsync("demo", null);
        await AssertProblem(response, HttpStatusCode.Unauthorized, "AuthenticationRequired");
    }

    [Theory]
    [InlineData("Bearer not-a-valid-token")]
    [InlineData("Bearer oidc/egi/not-a-valid-token")]
    public async Task BadToken_403TokenInvalid(string authorization)
    {
        using var response = await MeAsync("demo", authorization);
        await AssertProblem(response, HttpStatusCode.Forbidden, "TokenInvalid");
    }

    [Fact]
    public async Task BasicCredentials_403AuthenticationSchemeInvalid()
    {
        using var response = await MeAsync("demo", "Basic YWxpY2U6cGFzc3dvcmQ=");
        await AssertProblem(response, HttpStatusCode.Forbidden, "AuthenticationSchemeInvalid");
    }

    [Fact]
    public async Task TokenOfTenantOther_OpensNothingOfDemo()
    {
        var token = await DevTokens.AccessTokenAsync("alice", realm: "other");
        var before = await Service.CountAsync("users");

        using var response = await MeAsync("demo", $"Bearer {token}");

        await AssertProblem(response, HttpStatusCode.Forbidden, "TokenInvalid");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("alice", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await Service.CountAsync("users"));
    }

    [Fact]
    public async Task ProviderDown_503()
    {
        using var response = await MeAsync("down", "Bearer some-token");

        await AssertProblem(response, HttpStatusCode.ServiceUnavailable, "OidcProviderUnavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task UnknownTenant_404()
    {
        using var response = await MeAsync("nope", "Bearer x");
        await AssertProblem(response, HttpStatusCode.NotFound, "TenantNotFound");
    }
}
