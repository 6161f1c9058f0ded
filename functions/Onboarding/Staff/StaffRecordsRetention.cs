using Microsoft.Extensions.Logging;
using Onboarding.Privacy;
using Onboarding.Tenants;

namespace Onboarding.Staff;

/// <summary>
/// The daily purge's part for staff records: audit entries past the tenant's audit retention, then
/// directory entries whose time is up (each lasts the audit retention after its staff member was
/// last seen, so names are kept as long as the entries that name them).
/// </summary>
public sealed partial class StaffRecordsRetention(AuditTrail audit, StaffDirectory directory, ILogger<StaffRecordsRetention> logger)
    : IRetainedRecords
{
    public async Task PurgeAsync(Tenant tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purged = await audit.PurgeAsync(tenant.Id, now - tenant.Retention.AuditEntries, cancellationToken);
        await directory.PurgeAsync(tenant.Id, cancellationToken);
        if (purged > 0)
        {
            LogAudit(tenant.Id, purged);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge of tenant {Tenant}: {Count} audit entries past retention deleted")]
    private partial void LogAudit(string tenant, int count);
}
