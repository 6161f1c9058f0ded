using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Tests against a <see cref="TestOidcProvider"/>: a provider and a service host of their own per
/// test, with the test's clock and settings when it gives them.
/// </summary>
public abstract class TestProviderTests : IAsyncLifetime
{
    protected TestOidcProvider Provider { get; private set; } = null!;

    protected ServiceHost Service { get; private set; } = null!;

    /// <summary>A fake clock shared by provider and service; the real one when null.</summary>
    protected virtual TimeProvider? Clock => null;

    protected virtual IDictionary<string, string?>? Settings => null;

    protected virtual TenantDocument Tenant(TestOidcProvider provider) => TestTenants.Rp(provider);

    /// <summary>Services replaced for the test (for example a storage request counter).</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    public async ValueTask InitializeAsync()
    {
        Provider = await TestOidcProvider.StartAsync(Clock);
        Service = await ServiceHost.StartAsync([Tenant(Provider)], time: Clock, settings: Settings, services: ConfigureServices);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Provider.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
