using System.Net;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// The uptake drain with one tenant's storage failing: the other tenants are counted in the same run,
/// the failing tenant's events wait in its outbox, and the next run counts them once.
/// </summary>
public sealed class DrainFaultTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private TestOidcProvider _brokenProvider = null!;
    private StorageFaultProxy _proxy = null!;
    private ServiceHost _service = null!;

    public async ValueTask InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _provider.SubjectFromLoginHint = true;
        _brokenProvider = await TestOidcProvider.StartAsync(); // each tenant has its own issuer
        _brokenProvider.SubjectFromLoginHint = true;
        _proxy = await StorageFaultProxy.StartAsync(1);
        // "broken" comes first, so the run meets its fault before the healthy tenant.
        _service = await ServiceHost.StartAsync([TestTenants.Rp(_brokenProvider) with { Id = "broken" }, TestTenants.Rp(_provider)],
            settings: new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = _proxy.ConnectionString,
                ["AzureWebJobs.DrainUptake.Disabled"] = "true",
            });
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _proxy.DisposeAsync();
        await _provider.DisposeAsync();
        await _brokenProvider.DisposeAsync();
    }

    [Fact]
    public async Task OneTenantsStorageFailing_TheOthersAreCounted_ItsEventsWaitAndCountOnceLater()
    {
        foreach (var (tenant, person) in new[] { ("broken", "ann"), ("rp", "ben"), ("rp", "cat") })
        {
            using var browser = new Browser();
            using var response = await browser.GetAsync(await browser.CallbackUrlAsync(_service.BaseUrl, tenant, person));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        _proxy.Rule = (_, address) => address.Contains("broken", StringComparison.Ordinal) ? StorageFault.Refuse : StorageFault.None;
        var counted = await _service.DrainUptakeAsync();
        _proxy.Rule = null;

        Assert.Equal(2, counted);
        Assert.Contains("Uptake drain of tenant broken failed", _service.Logs.All, StringComparison.Ordinal);
        Assert.Equal((2, 2), await TotalsAsync("rp"));
        Assert.Equal((0, 0), await TotalsAsync("broken"));

        Assert.Equal(1, await _service.DrainUptakeAsync());
        Assert.Equal((1, 1), await TotalsAsync("broken"));
        Assert.Equal(0, await _service.DrainUptakeAsync());
        Assert.Equal((2, 2), await TotalsAsync("rp"));
    }

    private async Task<(long SignUps, long SignIns)> TotalsAsync(string tenant)
    {
        var month = await _service.ThisMonthAsync(tenant);
        return (month.SignUps, month.SignIns);
    }
}
