using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Status;

/// <summary>A partner that hangs: the sign-in still completes, within the partner's time budget, with the step unknown.</summary>
public sealed class SlowPartnerTests : TestProviderTests
{
    protected override TenantDocument Tenant(TestOidcProvider provider) => TestTenants.RpWithSlowPartner(provider);

    [Fact]
    public async Task SignIn_WithAHangingPartner_SucceedsWithTheStepUnknown()
    {
        using var browser = new Browser();

        var (response, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/slow/login"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var step = body.GetProperty("status").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "slowpartner");
        Assert.Equal("unknown", step.GetProperty("state").GetString());
        Assert.Single(await Service.UsersAsync("slow"));
    }
}
