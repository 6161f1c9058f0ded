using System.Net;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Per client address (here from the front door's X-Forwarded-For) and per tenant: past the limit,
/// 429 TooManyRequests with Retry-After for that client only; valid bearer tokens never count.
/// </summary>
public sealed class RateLimitTests : TestProviderTests
{
    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["RateLimits:ClientAddressHeader"] = "X-Forwarded-For",
        ["RateLimits:LoginsPerClientPerMinute"] = "12",
        ["RateLimits:StaffLoginsPerClientPerMinute"] = "6",
        ["RateLimits:RefusedTokensPerClientPerMinute"] = "6",
    };

    private async Task<HttpResponseMessage> GetAsync(string path, string client, string? token = null)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, path));
        // As the front door sends it: what the client claimed, then the address it saw.
        request.Headers.Add("X-Forwarded-For", $"10.9.9.9, {client}");
        if (token is not null)
        {
            request.Headers.Add("Authorization", $"Bearer {token}");
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task AssertLimited(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("TooManyRequests", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Logins_PastTheClientsLimit_429_OtherClientsAndStaffLimitsApart()
    {
        for (var i = 0; i < 12; i++)
        {
            using var ok = await GetAsync("api/tenants/rp/login", "203.0.113.7");
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        await AssertLimited(await GetAsync("api/tenants/rp/login", "203.0.113.7"));
        using (var other = await GetAsync("api/tenants/rp/login", "198.51.100.4"))
        {
            Assert.Equal(HttpStatusCode.Redirect, other.StatusCode); // another address: its own bucket
        }

        for (var i = 0; i < 6; i++)
        {
            using var staff = await GetAsync("api/tenants/rp/login?for=staff", "198.51.100.5");
            Assert.Equal(HttpStatusCode.Redirect, staff.StatusCode);
        }

        await AssertLimited(await GetAsync("api/tenants/rp/login?for=staff", "198.51.100.5"));
        Assert.Contains("Rate limit: StaffLogin for tenant rp refused with 429", Service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedTokens_PastTheLimit_ThatClientGets429BeforeValidation_ValidTokensNeverCount()
    {
        Provider.Subject = "val";
        for (var i = 0; i < 20; i++)
        {
            using var valid = await GetAsync("api/tenants/rp/me", "192.0.2.10", "at-val");
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode); // a platform calling often: never limited
        }

        // Six refusals a minute, refilled one every ten seconds: a refill may land during the loop, so one more may pass.
        var forbidden = 0;
        int calls;
        HttpResponseMessage answer;
        while (true)
        {
            calls = Provider.UserInfoRequests;
            answer = await GetAsync("api/tenants/rp/me", "192.0.2.66", $"at-garbage{forbidden}");
            if (answer.StatusCode != HttpStatusCode.Forbidden || forbidden >= 10)
            {
                break;
            }

            answer.Dispose();
            forbidden++;
        }

        Assert.InRange(forbidden, 6, 7);
        await AssertLimited(answer);
        answer.Dispose();
        await AssertLimited(await GetAsync("api/tenants/rp/me", "192.0.2.66", "at-val")); // this client is stopped
        Assert.Equal(calls, Provider.UserInfoRequests); // before anything reached the provider

        using var elsewhere = await GetAsync("api/tenants/rp/me", "192.0.2.10", "at-val");
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }
}
