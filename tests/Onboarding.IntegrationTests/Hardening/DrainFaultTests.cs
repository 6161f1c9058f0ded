using System.Net;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// The timers with one tenant's storage failing: the uptake drain counts the other tenants in the same
/// run and the failing tenant's events wait in its outbox, counted once by the next run; the purge
/// erases the other tenants' expired people and the failing tenant's on the next run.
/// </summary>
public sealed class DrainFaultTests : FaultProxyTests
{
    private TestOidcProvider _brokenProvider = null!;

    // "broken" comes first, so the run meets its fault before the healthy tenant; each tenant has its own issuer.
    protected override async Task<IEnumerable<TenantDocument>> TenantsAsync()
    {
        Provider.SubjectFromLoginHint = true;
        _brokenProvider = await TestOidcProvider.StartAsync(Clock);
        _brokenProvider.SubjectFromLoginHint = true;
        return [TestTenants.Rp(_brokenProvider) with { Id = "broken" }, TestTenants.Rp(Provider)];
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _brokenProvider.DisposeAsync();
    }

    [Fact]
    public async Task OneTenantsStorageFailing_TheOthersAreCounted_ItsEventsWaitAndCountOnceLater()
    {
        foreach (var (tenant, person) in new[] { ("broken", "ann"), ("rp", "ben"), ("rp", "cat") })
        {
            using var browser = new Browser();
            using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, tenant, person));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Proxy.Rule = (_, address) => address.Contains("broken", StringComparison.Ordinal) ? StorageFault.Refuse : StorageFault.None;
        var counted = await Service.DrainUptakeAsync();
        Proxy.Rule = null;

        Assert.Equal(2, counted);
        Assert.Contains("Uptake drain of tenant broken failed", Service.Logs.All, StringComparison.Ordinal);
        Assert.Equal((2, 2), await TotalsAsync("rp"));
        Assert.Equal((0, 0), await TotalsAsync("broken"));

        Assert.Equal(1, await Service.DrainUptakeAsync());
        Assert.Equal((1, 1), await TotalsAsync("broken"));
        Assert.Equal(0, await Service.DrainUptakeAsync());
        Assert.Equal((2, 2), await TotalsAsync("rp"));
        foreach (var tenant in new[] { "rp", "broken" })
        {
            await Invariants.AssertConsistentAsync(Service, tenant, orphansAllowed: false);
        }
    }

    [Theory]
    [InlineData(StorageFault.LoseAnswer)] // the counting's transaction went through; the drain cannot know
    [InlineData(StorageFault.Refuse)]     // it did not: the tally waits in memory for the next run
    public async Task FailedSignIns_WhoseCountingMeetsAFault_CountOnce(StorageFault fault)
    {
        using (var browser = new Browser())
        {
            for (var i = 0; i < 3; i++)
            {
                using var refused = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/callback?state=forged"));
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }
        }

        var faulted = 0;
        Proxy.Rule = (method, address) => method == "POST" && address.Contains("$batch", StringComparison.Ordinal)
            && Interlocked.Increment(ref faulted) <= 4 ? fault : StorageFault.None; // past the SDK's own retries
        await Service.DrainUptakeAsync();
        Proxy.Rule = null;
        Assert.True(faulted > 0, "the failures' transaction never met the fault");

        await Service.DrainUptakeAsync();
        await Service.DrainUptakeAsync();
        Assert.Equal(3, (await Service.ThisMonthAsync("rp")).FailedSignIns);

        // Nothing is left stuck: the next failure counts at the next run.
        using (var browser = new Browser())
        {
            using var refused = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/callback?state=forged"));
        }

        await Service.DrainUptakeAsync();
        Assert.Equal(4, (await Service.ThisMonthAsync("rp")).FailedSignIns);
    }

    private async Task<(long SignUps, long SignIns)> TotalsAsync(string tenant)
    {
        var month = await Service.ThisMonthAsync(tenant);
        return (month.SignUps, month.SignIns);
    }

    [Fact]
    public async Task OneTenantsStorageFailing_ThePurgeErasesTheOthers_AndItsOwnOnTheNextRun()
    {
        foreach (var (tenant, person) in new[] { ("broken", "ann"), ("rp", "ben") })
        {
            using var browser = new Browser();
            using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, tenant, person));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Clock.Advance(TimeSpan.FromDays(366));
        Proxy.Rule = (_, address) => address.Contains("broken", StringComparison.Ordinal) ? StorageFault.Refuse : StorageFault.None;
        await Service.RunTimerAsync("PurgeExpiredData");
        Proxy.Rule = null;

        Assert.Contains("Retention purge of tenant broken stopped", Service.Logs.All, StringComparison.Ordinal);
        Assert.Empty(await Service.UsersAsync("rp"));
        Assert.Single(await Service.UsersAsync("broken"));

        await Service.RunTimerAsync("PurgeExpiredData");
        Assert.Empty(await Service.UsersAsync("broken"));
        Assert.Equal(0, await Service.CountAsync("expiries"));
        foreach (var tenant in new[] { "rp", "broken" })
        {
            await Invariants.AssertConsistentAsync(Service, tenant, orphansAllowed: false);
        }
    }
}
