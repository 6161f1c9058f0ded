using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Onboarding.Tenants;

namespace Onboarding;

/// <summary>
/// Resolves what must be valid before the first request (the tenants file), so configuration
/// errors fail the start with a message naming the setting. Makes no network calls.
/// </summary>
internal sealed class StartupChecks(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<TenantCatalog>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
