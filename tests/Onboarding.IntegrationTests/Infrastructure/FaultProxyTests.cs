using Microsoft.Extensions.Time.Testing;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Tests with a <see cref="StorageFaultProxy"/> between the service and Azurite: a provider, the
/// proxy and a service host of their own, on a fake clock, with the timers run only when the test says.
/// </summary>
public abstract class FaultProxyTests : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    protected TestOidcProvider Provider { get; private set; } = null!;

    protected StorageFaultProxy Proxy { get; private set; } = null!;

    protected ServiceHost Service { get; private set; } = null!;

    /// <summary>The seed of the proxy's random faults.</summary>
    protected virtual int Seed => 1;

    /// <summary>The tenants the service serves (by default the relying-party tenant on <see cref="Provider"/>).</summary>
    protected virtual Task<IEnumerable<TenantDocument>> TenantsAsync() => Task.FromResult<IEnumerable<TenantDocument>>([TestTenants.Rp(Provider)]);

    public async ValueTask InitializeAsync()
    {
        Provider = await TestOidcProvider.StartAsync(Clock);
        Proxy = await StorageFaultProxy.StartAsync(Seed);
        Service = await StartServiceAsync(port: null, tablePrefix: null);
        await StartedAsync();
    }

    /// <summary>
    /// The service process ends (with whatever it held in memory: caches, rate limits, pending work)
    /// and a new one starts on the same port and tables, as after a crash or a redeployment.
    /// </summary>
    protected async Task RestartServiceAsync()
    {
        var (port, tablePrefix) = (Service.BaseUrl.Port, Service.TablePrefix);
        await Service.DisposeAsync();
        Service = await StartServiceAsync(port, tablePrefix);
    }

    private async Task<ServiceHost> StartServiceAsync(int? port, string? tablePrefix) =>
        await ServiceHost.StartAsync(await TenantsAsync(), port, Clock, new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Proxy.ConnectionString,
            ["AzureWebJobs.DrainUptake.Disabled"] = "true",
            ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
            ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
            ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
        }, tablePrefix: tablePrefix);

    /// <summary>Tenant rp holds one person who signed in twice: recorded so, counted once as a sign-up and twice as a sign-in, every table consistent.</summary>
    protected async Task AssertOnePersonSignedInTwiceAsync()
    {
        Assert.Equal(2, Assert.Single(await Service.UsersAsync("rp")).SignInCount);
        await Service.DrainUptakeAsync();
        var month = await Service.ThisMonthAsync("rp");
        Assert.Equal((1, 1, 2), (month.SignUps, month.ActiveUsers, month.SignIns));
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
    }

    /// <summary>What the test class does once everything runs.</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Proxy.DisposeAsync();
        await Provider.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
