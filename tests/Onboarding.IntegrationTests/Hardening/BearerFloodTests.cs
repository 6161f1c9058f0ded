using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.SignIn;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Anonymous bearer traffic must not spend the provider or take sign-in down (SECURITY.md, the front
/// door): garbage is refused locally, the rest reaches userinfo only within a per-tenant budget, and
/// bearer validation has its own pipeline per tenant, apart from the sign-in path's.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class BearerFloodTests
{
    private static async Task<(ServiceHost Service, CountingHandler Bearer)> StartAsync()
    {
        var bearer = new CountingHandler();
        var service = await ServiceHost.StartAsync(
            [TestTenants.Demo(TestEnvironment.ServicePort), TestTenants.Other(TestEnvironment.ServicePort)],
            TestEnvironment.ServicePort,
            services: s => s.AddHttpClient(ProviderMetadata.BearerHttpClientName).AddHttpMessageHandler(() => bearer));
        return (service, bearer);
    }

    /// <summary>Tokens an attacker might send: random opaque ones, JWT-shaped forgeries and another issuer's, non-ASCII bytes.</summary>
    private static string Garbage(int i) => (i % 4) switch
    {
        0 => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)),
        1 => Jwt($"{{\"alg\":\"RS256\",\"kid\":\"k{i}\"}}", $"{{\"iss\":\"{TestEnvironment.IdpBaseUrl}/realms/demo\",\"exp\":4102444800}}"),
        2 => Jwt("{\"alg\":\"RS256\"}", "{\"iss\":\"https://evil.example/\",\"exp\":4102444800}"),
        _ => "é" + i,
    };

    private static string Jwt(string header, string payload) =>
        $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload)}.{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(256))}";

    [Fact]
    public async Task FloodOfGarbageTokens_NeverA5xx_ProviderCallsWithinTheBudget_RealSignInsOfEveryTenantWork()
    {
        var (service, bearer) = await StartAsync();
        await using var _ = service;
        // Header bytes as sent, non-ASCII included, as an attacker's client would.
        using var http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 });
        var me = new Uri(service.BaseUrl, "api/tenants/demo/me");
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForAsync(0, 1200, new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, me);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Garbage(i));
            using var response = await http.SendAsync(request, ct);
            statuses.Add(response.StatusCode);
        });
        var seconds = clock.Elapsed.TotalSeconds;

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests, $"answered {(int)s}"));
        // Only the random opaque quarter may reach userinfo, and only within the budget (100 at once, 20/s).
        Assert.InRange(bearer.Count, 1, 100 + (20 * (seconds + 1)));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        // Real people sign in, on the flooded tenant and on the other tenant of the same provider host.
        foreach (var (tenant, account) in new[] { ("demo", "alice"), ("other", "bob") })
        {
            using var browser = new Browser();
            using var signIn = await browser.SignInAsync(service.BaseUrl, tenant, account);
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }

        // A real token of the other tenant is checked as usual: its budget and pipeline are its own.
        using var real = new HttpRequestMessage(HttpMethod.Get, new Uri(service.BaseUrl, "api/tenants/other/me"));
        real.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await DevTokens.AccessTokenAsync("bob", "other"));
        using var answer = await http.SendAsync(real);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task RefusedToken_SentAgain_IsRefusedFromMemory_TheProviderIsAskedOnce()
    {
        var (service, bearer) = await StartAsync();
        await using var _ = service;
        using var http = new HttpClient();
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.BaseUrl, "api/tenants/demo/me"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(1, bearer.Count);
    }

    [Theory]
    [InlineData("Bearer é")]
    [InlineData("Bearer \u202Eabc")]
    public async Task NonTokenCharacters_RefusedWithoutAnyCall(string header)
    {
        var (service, bearer) = await StartAsync();
        await using var _ = service;
        using var http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.BaseUrl, "api/tenants/demo/me"));
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, bearer.Count);
    }
}

/// <summary>JWT-shaped tokens that cannot be this tenant's never reach any provider's userinfo.</summary>
[Collection(DevProviderCollection.Name)]
public sealed class ForeignTokenTests
{
    public static TheoryData<string, string> Tokens() => new()
    {
        // demo's issuer at other's API: other's provider must not even see it
        { "other", $"{{\"iss\":\"{TestEnvironment.IdpBaseUrl}/realms/demo\",\"exp\":4102444800}}" },
        { "demo", "{\"iss\":\"https://evil.example/\",\"exp\":4102444800}" },
        // the right issuer, but a signature by no key of the provider's
        { "demo", $"{{\"iss\":\"{TestEnvironment.IdpBaseUrl}/realms/demo\",\"exp\":4102444800}}" },
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task RefusedLocally_NoProviderAsked(string tenant, string payload)
    {
        var bearer = new CountingHandler();
        await using var service = await ServiceHost.StartAsync(
            [TestTenants.Demo(TestEnvironment.ServicePort), TestTenants.Other(TestEnvironment.ServicePort)],
            TestEnvironment.ServicePort,
            services: s => s.AddHttpClient(ProviderMetadata.BearerHttpClientName).AddHttpMessageHandler(() => bearer));
        var token = $"{Base64UrlEncoder.Encode("{\"alg\":\"RS256\",\"kid\":\"k1\"}")}.{Base64UrlEncoder.Encode(payload)}.{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(256))}";
        using var http = new HttpClient();
        foreach (var path in new[] { "me", "support/users?email=bob@uni-bonn.de" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.BaseUrl, $"api/tenants/{tenant}/{path}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(0, bearer.Count);
        Assert.Contains($"Bearer token refused for tenant {tenant}: access token", service.Logs.All, StringComparison.Ordinal);
    }
}

/// <summary>A provider that answers a flood with 429 must not open any circuit for real people.</summary>
public sealed class ThrottlingProviderTests : TestProviderTests
{
    // Every garbage token reaches the provider here: the test is about its 429s, not our budget.
    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Onboarding:BearerChecksBurst"] = "1000" };

    [Fact]
    public async Task ProviderAnswers429ToGarbage_RealBearerAndRealSignInStillWork()
    {
        Provider.UserInfoThrottlesUnknownTokens = true;
        using var http = new HttpClient();
        for (var i = 0; i < 120; i++)
        {
            using var garbage = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
            garbage.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));
            using var refused = await http.SendAsync(garbage);
            Assert.True((int)refused.StatusCode is 429 or 503, $"answered {(int)refused.StatusCode}");
        }

        using var real = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
        real.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"at-{Provider.Subject}");
        using var me = await http.SendAsync(real);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        using var browser = new Browser();
        var (signIn, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login"));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }
}
