using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Status;

/// <summary>A partner that hangs: the sign-in still completes, within the partner's time budget, with the step unknown.</summary>
public sealed class SlowPartnerTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private ServiceHost _service = null!;

    public async ValueTask InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _service = await ServiceHost.StartAsync([TestTenants.RpWithSlowPartner(_provider)]);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task SignIn_WithAHangingPartner_SucceedsWithTheStepUnknown()
    {
        using var browser = new Browser();

        var (response, _) = await browser.FollowAsync(new Uri(_service.BaseUrl, "api/tenants/slow/login"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var step = body.GetProperty("status").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "slowpartner");
        Assert.Equal("unknown", step.GetProperty("state").GetString());
        Assert.Single(await _service.UsersAsync("slow"));
    }
}
