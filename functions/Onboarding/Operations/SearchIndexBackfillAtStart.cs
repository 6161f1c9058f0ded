using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Operations;

/// <summary>
/// Runs (or resumes) the search index backfill (<see cref="SearchIndexBackfill"/>) of every tenant once
/// at start, in the background: it never delays the start, a tenant already done costs one query, and a
/// storage fault is logged and left for the next start. <c>Onboarding:BackfillSearchIndexAtStart=false</c>
/// turns it off; operators run it on purpose with <c>Onboarding.LocalHost backfill-search-index [tenant]</c>.
/// </summary>
internal sealed partial class SearchIndexBackfillAtStart(SearchIndexBackfill backfill, TenantCatalog tenants, IConfiguration settings,
    ILogger<SearchIndexBackfillAtStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (bool.TryParse(settings["Onboarding:BackfillSearchIndexAtStart"], out var enabled) && !enabled)
        {
            return;
        }

        foreach (var tenant in tenants.All)
        {
            try
            {
                if (!(await backfill.ProgressAsync(tenant.Id, stoppingToken)).Done)
                {
                    await backfill.RunAsync(tenant.Id, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(tenant.Id, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index backfill of tenant {Tenant} stopped ({Failure}); the next start resumes it from its checkpoint")]
    private partial void LogFailed(string tenant, string failure);
}
