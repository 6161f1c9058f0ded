using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Storage did the write, and its answer was lost: the SDK's retry meets a conflict (the record is
/// already there, or its ETag moved). The sign-in finds its own write and is applied once — not a
/// second sign-in, not a "returning" first one — and counted once.
/// </summary>
public sealed class LostAnswerTests : FaultProxyTests
{
    private const string Support = "urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu";

    protected override Task<IEnumerable<Onboarding.Tenants.TenantDocument>> TenantsAsync() =>
        Task.FromResult<IEnumerable<Onboarding.Tenants.TenantDocument>>(
            [TestTenants.Rp(Provider) with { Staff = new Onboarding.Tenants.StaffDocument { Support = [Support] } }]);

    /// <summary>Loses the answer to the next write of the record (its entity-group transaction), once.</summary>
    private void LoseTheNextRecordWrite()
    {
        var lost = 0;
        Proxy.Rule = (method, address) => method == "POST" && address.Contains("$batch", StringComparison.Ordinal) && Interlocked.Exchange(ref lost, 1) == 0
            ? StorageFault.LoseAnswer
            : StorageFault.None;
    }

    [Fact]
    public async Task FirstAndRepeatSignIn_AnswerLost_EachAppliedAndCountedOnce()
    {
        Provider.Subject = "lia";
        LoseTheNextRecordWrite();
        var first = await SignInAsync();
        Assert.True(first.GetProperty("first_login").GetBoolean());
        Assert.Equal(1, first.GetProperty("sign_in_count").GetInt32());

        LoseTheNextRecordWrite();
        var repeat = await SignInAsync();
        Assert.False(repeat.GetProperty("first_login").GetBoolean());
        Assert.Equal(2, repeat.GetProperty("sign_in_count").GetInt32());

        Assert.Equal(2, Proxy.Injected);
        await AssertOnePersonSignedInTwiceAsync();
    }

    [Fact]
    public async Task AuditEntryAnswerLost_TheLookUpAnswers_WithOneEntry()
    {
        Provider.Subject = "staff";
        Provider.Entitlements = [Support];
        var lost = 0;
        Proxy.Rule = (method, address) => method == "PUT" && address.Contains("audit(", StringComparison.Ordinal) && Interlocked.Exchange(ref lost, 1) == 0
            ? StorageFault.LoseAnswer
            : StorageFault.None;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/support/users?email=nobody@example.org"));
        request.Headers.Authorization = new("Bearer", "at-staff");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Proxy.Injected);
        Assert.Equal(1, await Service.CountAsync("audit"));
    }

    private async Task<JsonElement> SignInAsync()
    {
        using var browser = new Browser();
        using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "lia"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
