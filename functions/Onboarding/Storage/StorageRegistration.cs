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
            var client = options.TableServiceUri is { } uri
                ? new TableServiceClient(uri, new ManagedIdentityCredential(
                    string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                        ? ManagedIdentityId.SystemAssigned
                        : ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)))
                : new TableServiceClient(options.ConnectionString);
            return new TableStore(client, options.TablePrefix);
        });
        return services;
    }
}
