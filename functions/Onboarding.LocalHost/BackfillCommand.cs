using Onboarding.Users;

namespace Onboarding.LocalHost;

/// <summary>
/// <c>Onboarding.LocalHost backfill-search-index [tenant]</c>: runs (or resumes from its checkpoints) the
/// search index backfill of one tenant or all, with the same settings as the service, and prints where
/// each stands. Exit code 0 when done, 2 for a configuration the service would not start with, or a tenant the tenants file does not have. Safe to run while
/// the service runs, and again.
/// </summary>
public static class BackfillCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        Onboarding.Tenants.TenantCatalog catalog;
        try
        {
            app = LocalFunctionHost.Build([], new Dictionary<string, string?>
            {
                ["Onboarding:CheckTenantsAtStart"] = "false",
                ["Onboarding:BackfillSearchIndexAtStart"] = "false",
            });
            catalog = app.Services.GetRequiredService<Onboarding.Tenants.TenantCatalog>();
        }
        catch (Exception e) when (e is Onboarding.Tenants.TenantConfigurationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync("configuration: " + e.Message);
            return 2;
        }

        await using (app)
        {
            var tenantId = args.FirstOrDefault();
            if (tenantId is not null && catalog.Find(tenantId) is null)
            {
                await Console.Error.WriteLineAsync($"backfill-search-index: there is no tenant '{tenantId}'; its tenants are: "
                    + string.Join(", ", catalog.All.Select(t => t.Id).Order(StringComparer.Ordinal)));
                return 2;
            }

            var backfill = app.Services.GetRequiredService<SearchIndexBackfill>();
            foreach (var tenant in catalog.All.Where(t => tenantId is null || t.Id == tenantId).OrderBy(t => t.Id, StringComparer.Ordinal))
            {
                var progress = await backfill.RunAsync(tenant.Id, CancellationToken.None);
                Console.WriteLine($"{tenant.Id}: {progress.PartitionsDone} of {progress.Partitions} partitions done, "
                    + $"{progress.Read} records read, {progress.Indexed} brought into the index");
            }

            return 0;
        }
    }
}
