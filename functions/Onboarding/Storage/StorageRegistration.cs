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
            var clientOptions = sp.GetService<TableClientOptions>() ?? new TableClientOptions();
            var client = options.TableServiceUri is { } uri
                ? new TableServiceClient(uri, new ManagedIdentityCredential(
                    string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                        ? ManagedIdentityId.SystemAssigned
                        : ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)), clientOptions)
                : new TableServiceClient(options.ConnectionString, clientOptions);
            return new TableStore(client, options.TablePrefix);
        });
        return services;
    }
}
