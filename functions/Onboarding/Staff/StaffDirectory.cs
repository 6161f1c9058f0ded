using System.Collections.Concurrent;
using Azure.Data.Tables;
using Onboarding.Storage;
using Onboarding.Tenants;

namespace Onboarding.Staff;

/// <summary>
/// A staff member's work address (partition = tenant, row = their user id in the tenant), so that the
/// audit log can say who did what, and the staff roles their entitlements gave when they were last
/// seen, so that operators see who holds which right. Staff consent to being identified at work; the
/// entry is kept as long as the audit entries it names (the tenant's audit retention after they were
/// last seen), then purged.
/// </summary>
public sealed class StaffDirectoryEntity : TableRow
{
    public string Email { get; set; } = "";
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The staff roles at the last sign-in or call, by name, comma-separated, in order ("" after they were all removed); null on entries from before roles were kept.</summary>
    public string? Roles { get; set; }

    /// <summary>Since when <see cref="Roles"/> has been what it is (as first seen by the service).</summary>
    public DateTimeOffset? RolesSince { get; set; }
}

/// <summary>A staff member as the directory knows them: the roles of their last sign-in or call, since when, and when that was.</summary>
public sealed record StaffHolder(string ActorId, string Email, IReadOnlySet<StaffRole>? Roles, DateTimeOffset? RolesSince, DateTimeOffset LastSeenAt);

public sealed class StaffDirectory(TableClients tables, TimeProvider time)
{
    /// <summary>An unchanged entry is written again at most this often per instance (a staff script's every call must not write).</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<(string TenantId, string ActorId), (string? Email, string Roles, DateTimeOffset At)> _written = new();

    /// <summary>
    /// Notes a staff member who just signed in or called: their address and roles, written when either
    /// changed, else at most daily per instance. A caller with no staff role is written only when the
    /// directory knows them as staff (a role was removed: the entry says so, and since when); anyone
    /// else is nobody's staff and leaves nothing.
    /// </summary>
    public async Task RecordAsync(Tenant tenant, string actorId, string? email, IReadOnlySet<StaffRole> roles, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (address, names) = (string.IsNullOrWhiteSpace(email) ? null : email.Trim(), NamesOf(roles));
        if (_written.TryGetValue((tenant.Id, actorId), out var last) && last.Email == address && last.Roles == names && now - last.At < RefreshAfter)
        {
            return;
        }

        var table = await tables.GetAsync(Table.StaffDirectory, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<StaffDirectoryEntity>(tenant.Id, actorId, cancellationToken: cancellationToken);
        var known = found.HasValue ? found.Value : null;
        if ((roles.Count == 0 && known is null) || (address ?? known?.Email) is not { } kept)
        {
            _written[(tenant.Id, actorId)] = (address, names, now);
            return;
        }

        await table.UpsertEntityAsync(new StaffDirectoryEntity
        {
            PartitionKey = tenant.Id,
            RowKey = actorId,
            Email = kept,
            LastSeenAt = now,
            ExpiresAt = now + tenant.Retention.AuditEntries,
            Roles = names,
            RolesSince = known is { Roles: { } had, RolesSince: { } since } && had == names ? since : now,
        }, TableUpdateMode.Replace, cancellationToken);
        _written[(tenant.Id, actorId)] = (address, names, now);
    }

    /// <summary>Every staff member the directory knows in the tenant, with their roles as last seen, by address.</summary>
    public async Task<IReadOnlyList<StaffHolder>> ReadHoldersAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.StaffDirectory, cancellationToken);
        var holders = new List<StaffHolder>();
        await foreach (var e in table.QueryAsync<StaffDirectoryEntity>(e => e.PartitionKey == tenantId, cancellationToken: cancellationToken))
        {
            IReadOnlySet<StaffRole>? roles = e.Roles is null ? null
                : e.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => Enum.TryParse<StaffRole>(r, out var role) ? role : (StaffRole?)null)
                    .OfType<StaffRole>().ToHashSet();
            holders.Add(new StaffHolder(e.RowKey, e.Email, roles, e.RolesSince, e.LastSeenAt));
        }

        return holders.OrderBy(h => h.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string NamesOf(IReadOnlySet<StaffRole> roles) => string.Join(',', roles.Select(r => r.ToString()).Order(StringComparer.Ordinal));

    /// <summary>The tenant's staff by user id (one partition: a tenant has tens of staff, not thousands).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAllAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.StaffDirectory, cancellationToken);
        var staff = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entry in table.QueryAsync<StaffDirectoryEntity>(e => e.PartitionKey == tenantId, select: ["RowKey", "Email"],
            cancellationToken: cancellationToken))
        {
            staff[entry.RowKey] = entry.Email;
        }

        return staff;
    }

    /// <summary>Deletes the entries whose time is up (the purge); returns how many.</summary>
    public async Task<int> PurgeAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.StaffDirectory, cancellationToken);
        var now = time.GetUtcNow();
        var old = new List<StaffDirectoryEntity>();
        await foreach (var entry in table.QueryAsync<StaffDirectoryEntity>(e => e.PartitionKey == tenantId && e.ExpiresAt < now,
            select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            old.Add(entry);
        }

        await TableBatches.DeleteAsync(table, old, cancellationToken);
        foreach (var entry in old)
        {
            _written.TryRemove((tenantId, entry.RowKey), out _);
        }

        return old.Count;
    }
}
