using System.Collections.Concurrent;
using Azure.Data.Tables;
using Onboarding.Storage;
using Onboarding.Tenants;

namespace Onboarding.Staff;

/// <summary>
/// A staff member's work address (partition = tenant, row = their user id in the tenant), so that the
/// audit log can say who did what. Staff consent to being identified at work; the entry is kept as long
/// as the audit entries it names (the tenant's audit retention after they were last seen), then purged.
/// </summary>
public sealed class StaffDirectoryEntity : TableRow
{
    public string Email { get; set; } = "";
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class StaffDirectory(TableClients tables, TimeProvider time)
{
    /// <summary>A known address is written again at most this often per instance (a staff script's every call must not write).</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<(string TenantId, string ActorId), (string Email, DateTimeOffset At)> _written = new();

    /// <summary>Notes the address of a staff member who just signed in or called with a token; nothing without an address.</summary>
    public async Task RecordAsync(Tenant tenant, string actorId, string? email, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(email)
            || (_written.TryGetValue((tenant.Id, actorId), out var last) && last.Email == email && now - last.At < RefreshAfter))
        {
            return;
        }

        var table = await tables.GetAsync(Table.StaffDirectory, cancellationToken);
        await table.UpsertEntityAsync(new StaffDirectoryEntity
        {
            PartitionKey = tenant.Id,
            RowKey = actorId,
            Email = email.Trim(),
            LastSeenAt = now,
            ExpiresAt = now + tenant.Retention.AuditEntries,
        }, TableUpdateMode.Replace, cancellationToken);
        _written[(tenant.Id, actorId)] = (email, now);
    }

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
