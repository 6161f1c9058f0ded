using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Onboarding.Storage;

public static class StorageRegistration
{
    public static IServiceCollection AddTableStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            // Client options from DI when registered (tests count storage requests with a policy).
            var clientOptions = Bounded(sp.GetService<TableClientOptions>() ?? new TableClientOptions());
            var client = options.TableServiceUri is { } uri
                ? new TableServiceClient(uri, new ManagedIdentityCredential(
                    string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                        ? ManagedIdentityId.SystemAssigned
                        : ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)), clientOptions)
                : new TableServiceClient(options.ConnectionString, clientOptions);
            return new TableClients(client, options.TablePrefix);
        });
        return services;
    }

    /// <summary>
    /// A person waits seconds, not the SDK's defaults (100 s per try, 3 tries): each try gets 5 s,
    /// two quick retries with jitter; past that the caller answers 503 with Retry-After.
    /// </summary>
    public static TableClientOptions Bounded(TableClientOptions options)
    {
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        return options;
    }
}
