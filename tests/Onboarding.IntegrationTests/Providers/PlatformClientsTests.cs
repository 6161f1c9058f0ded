using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Providers;

/// <summary>
/// The clients people already use, against the development provider: the platform's own scopes (no
/// <c>voperson_id</c>), oidc-agent's device flow, hourly refreshes, and userinfo signed as a JWT.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class PlatformClientsTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    private async Task<HttpResponseMessage> MeAsync(string tenant, string authorization)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, $"api/tenants/{tenant}/me"));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await http.SendAsync(request);
    }

    private async Task<string> SignInThroughTheCallbackAsync(string account, string tenant = "demo")
    {
        using var browser = new Browser();
        using var response = await browser.SignInAsync(Service.BaseUrl, tenant, account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user_id").GetString()!;
    }

    [Fact]
    public async Task PlatformScopes_WithoutVopersonId_FindThePersonByTheSubSeenAtSignIn_NoSecondRecord()
    {
        var userId = await SignInThroughTheCallbackAsync("alice");
        var token = await DevTokens.AccessTokenAsync("alice", scope: DevTokens.PlatformScopes);

        using var me = await MeAsync("demo", $"Bearer oidc/egi/{token}");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(userId, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user_id").GetString());
        Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "alice@vito.be");
    }

    [Fact]
    public async Task ATokenWithFewerScopes_KeepsWhatItWasNotGiven_EmailInstitutionAndMembershipStay()
    {
        await SignInThroughTheCallbackAsync("alice");
        var before = Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "alice@vito.be");
        var token = await DevTokens.AccessTokenAsync("alice", scope: "openid voperson_id"); // no email, no entitlements

        using var me = await MeAsync("demo", $"Bearer {token}");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("done", body.GetProperty("status").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "membership")
            .GetProperty("state").GetString());
        var after = Assert.Single(await Service.UsersAsync("demo"), u => u.RowKey == before.RowKey);
        Assert.Equal((before.Email, before.Institution, before.Country), (after.Email, after.Institution, after.Country));
        Assert.Equal(before.ReadStatus().Roles, after.ReadStatus().Roles);
    }

    [Fact]
    public async Task PlatformScopes_ASubNeverSeen_403NamingTheMissingScope_NothingStored()
    {
        var token = await DevTokens.AccessTokenAsync("olivia", scope: DevTokens.PlatformScopes);

        using var me = await MeAsync("demo", $"Bearer {token}");

        Assert.Equal(HttpStatusCode.Forbidden, me.StatusCode);
        var problem = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TokenInvalid", problem.GetProperty("code").GetString());
        Assert.Contains("'voperson_id' scope", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await Service.UsersAsync("demo"), u => u.Email == "olivia@openeo.cloud");
    }

    [Fact]
    public async Task OidcAgent_DeviceFlowToken_AcceptedInBothBearerForms()
    {
        var userId = await SignInThroughTheCallbackAsync("bob");
        var token = await OidcAgentTokenAsync("bob");

        foreach (var authorization in new[] { $"Bearer {token}", $"Bearer oidc/egi/{token}" })
        {
            using var me = await MeAsync("demo", authorization);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(userId, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user_id").GetString());
        }
    }

    [Fact]
    public async Task HourlyRefreshes_CountThePersonNotTheTokens()
    {
        var tokens = await DevTokens.TokensAsync("dave", offline: true);
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken), "no refresh token for offline_access");
        using (var first = await MeAsync("demo", $"Bearer {tokens.AccessToken}"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var count = Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "dave.social@gmail.com").SignInCount;
        var refreshToken = tokens.RefreshToken!;
        for (var refresh = 0; refresh < 3; refresh++)
        {
            var next = await DevTokens.RefreshAsync(refreshToken);
            Assert.NotEqual(tokens.AccessToken, next.AccessToken);
            refreshToken = next.RefreshToken ?? refreshToken;
            using var me = await MeAsync("demo", $"Bearer {next.AccessToken}");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(count, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sign_in_count").GetInt32());
        }

        Assert.Equal(count, Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "dave.social@gmail.com").SignInCount);
    }

    [Fact]
    public async Task RealmOther_AnswersUserinfoAsASignedJwt_AcceptedAtTheCallbackAndForBearerTokens()
    {
        var token = await DevTokens.AccessTokenAsync("alice", realm: "other");
        var discovery = await DevTokens.DiscoveryAsync("other");
        using var http = new HttpClient();
        using var raw = new HttpRequestMessage(HttpMethod.Get, discovery.UserInfoEndpoint);
        raw.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        raw.Headers.Accept.ParseAdd("application/json");
        raw.Headers.Accept.ParseAdd("application/jwt");
        using var userinfo = await http.SendAsync(raw);
        Assert.Equal("application/jwt", userinfo.Content.Headers.ContentType?.MediaType);

        var userId = await SignInThroughTheCallbackAsync("alice", "other");
        using var me = await MeAsync("other", $"Bearer {token}");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(userId, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user_id").GetString());
    }

    /// <summary>An access token from oidc-agent (Debian), by the device flow, as dev/oidc-agent/get-token.sh gets it.</summary>
    private static async Task<string> OidcAgentTokenAsync(string account)
    {
        var root = Path.GetFullPath(Path.Combine(TestEnvironment.Artifacts, ".."));
        var start = new ProcessStartInfo("bash", ["dev/oidc-agent/get-token.sh", $"{TestEnvironment.IdpBaseUrl}/realms/demo", account])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["TMPDIR"] = "/tmp";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, "get-token.sh failed: " + await stderr);
        var token = (await stdout).Trim();
        Assert.False(string.IsNullOrEmpty(token), "get-token.sh printed no token: " + await stderr);
        return token;
    }
}
