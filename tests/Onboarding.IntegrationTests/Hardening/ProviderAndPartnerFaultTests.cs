using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Privacy;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// The provider slow or gone in the middle of a sign-in, the partner down: each answers a 503 with
/// <c>Retry-After</c> (or, for the partner, a sign-in with the step unknown and a re-check scheduled),
/// writes nothing half-way, and the next sign-in afterwards is whole: record, index entries and counts.
/// </summary>
public sealed class ProviderAndPartnerFaultTests : TestProviderTests
{
    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.DrainUptake.Disabled"] = "true",
        ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
    };

    /// <summary>The relying-party tenant with a partner whose admin API nobody answers.</summary>
    protected override TenantDocument Tenant(TestOidcProvider provider)
    {
        var rp = TestTenants.RpWithSlowPartner(provider);
        return rp with
        {
            Id = "rp",
            Partners = [rp.Partners![0] with { Id = "downpartner", AdminBaseUrl = $"http://127.0.0.1:{TestEnvironment.FreePort()}/admin" }],
        };
    }

    [Fact]
    public async Task UserInfoTooSlow_503WithRetryAfter_NothingRecorded_ThenTheNextSignInIsWhole()
    {
        Provider.Subject = "sam";
        Provider.UserInfoDelay = TimeSpan.FromSeconds(30);
        using (var browser = new Browser())
        {
            using var slow = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "sam"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, slow.StatusCode);
            Assert.NotNull(slow.Headers.RetryAfter);
            Assert.Contains("OidcProviderUnavailable", await slow.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await Service.UsersAsync("rp"));
        Assert.Equal(0, await Service.CountAsync("emailindex"));

        Provider.UserInfoDelay = TimeSpan.Zero;
        await AssertSignInIsWholeAsync("sam");
    }

    [Fact]
    public async Task TokenEndpointGoneMidSignIn_503_ThenTheNextSignInIsWhole()
    {
        Provider.Subject = "tia";
        using (var browser = new Browser())
        {
            var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "tia");
            Provider.TokenEndpointDown = true; // between the redirect and the code exchange
            using var down = await browser.GetAsync(callback);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.NotNull(down.Headers.RetryAfter);
        }

        Assert.Empty(await Service.UsersAsync("rp"));
        Provider.TokenEndpointDown = false;
        await AssertSignInIsWholeAsync("tia");
    }

    [Fact]
    public async Task PartnerDown_SignInAndMeAnswer_WithTheStepUnknown_AndARecheckScheduled()
    {
        Provider.Subject = "uma";
        var body = await AssertSignInIsWholeAsync("uma");
        Assert.Equal("unknown", PartnerStep(body).GetProperty("state").GetString());
        Assert.Equal(1, await Service.CountAsync("partnerrechecks")); // the re-check timer asks the partner again

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
        request.Headers.Authorization = new("Bearer", "at-uma");
        using var me = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("unknown", PartnerStep(await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
    }

    private static JsonElement PartnerStep(JsonElement body) =>
        body.GetProperty("status").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "downpartner");

    /// <summary>A sign-in that works, leaving the record, its email row and expiry entry, and its counts.</summary>
    private async Task<JsonElement> AssertSignInIsWholeAsync(string subject)
    {
        using var browser = new Browser();
        using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", subject));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        var user = Assert.Single(await Service.UsersAsync("rp"));
        Assert.Equal(1, user.SignInCount);
        Assert.Contains(user.RowKey, await Service.Services.GetRequiredService<EmailIndex>().FindAsync("rp", user.Email!, TestContext.Current.CancellationToken));
        Assert.Equal(1, await Service.CountAsync("expiries"));
        await Service.DrainUptakeAsync();
        var month = await Service.ThisMonthAsync("rp");
        Assert.Equal((1, 1), (month.SignUps, month.SignIns));
        return body;
    }
}
