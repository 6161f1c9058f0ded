using Microsoft.Extensions.Logging;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>
/// One run of the partner re-check timer: for each tenant, the users whose re-check is due (a bounded
/// number, so a run has a bounded cost), asked again without the answer cache.
/// </summary>
public sealed partial class PartnerRechecks(
    TenantCatalog tenants,
    RecheckSchedule store,
    StatusService status,
    TimeProvider time,
    ILogger<PartnerRechecks> logger)
{
    public const int MaxPerTenantPerRun = 200;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var tenant in tenants.All.Where(t => t.Partners.Count > 0))
        {
            var now = time.GetUtcNow();
            var due = await store.DueAsync(tenant.Id, now, MaxPerTenantPerRun, cancellationToken);
            var completed = 0;
            foreach (var entry in due)
            {
                if (entry.Until <= now)
                {
                    await store.RemoveAsync(tenant.Id, entry.RowKey, cancellationToken);
                    continue;
                }

                try
                {
                    var user = (await status.RecheckPartnersAsync(tenant, entry.RowKey, cancellationToken, entry.Misses))?.After;
                    if (user is not null && tenant.Partners.All(p => user.Status.Step(p.Id)?.State == StepState.Done))
                    {
                        completed++;
                    }
                }
                catch (Exception e) when (Storage.StorageFaults.Describe(e) is { } fault)
                {
                    // One user's storage trouble must not stop the run for everybody after them.
                    LogFailed(tenant.Id, fault.Status, fault.Code);
                }
            }

            LogRun(tenant.Id, due.Count, completed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner re-check of one user of tenant {Tenant} failed: storage status {Status}, code {Code}; the next run tries again")]
    private partial void LogFailed(string tenant, int status, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner re-check for tenant {Tenant}: {Checked} due, {Completed} now linked")]
    private partial void LogRun(string tenant, int @checked, int completed);
}
