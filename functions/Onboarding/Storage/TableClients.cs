using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Onboarding.Storage;

/// <summary>The tables the service uses. One place for their names.</summary>
public enum Table
{
    Users,
    ConsumedStates,
    PartnerRechecks,
    SubjectAliases,
    EmailIndex,
    Expiries,
    Audit,
    Uptake,
    UptakeMarkers,
    StaffDirectory,

    /// <summary>Checkpoints of resumable jobs (the search index backfill).</summary>
    Jobs,
}

/// <summary>
/// Hands out table clients, creating each table once per process on first use rather than at
/// start-up (no network call can fail a cold start) or on every call.
/// </summary>
public sealed class TableClients(TableServiceClient service, string prefix)
{
    private readonly ConcurrentDictionary<Table, Lazy<Task<TableClient>>> _tables = new();

    /// <remarks>
    /// The creation is shared by every caller that arrives meanwhile, so it does not take the first
    /// caller's cancellation: one aborted request must not fail the others.
    /// </remarks>
    public Task<TableClient> GetAsync(Table table, CancellationToken cancellationToken = default) =>
        _tables.GetOrAdd(table, t => new Lazy<Task<TableClient>>(() => CreateAsync(t))).Value.WaitAsync(cancellationToken);

    public string NameOf(Table table) => prefix + table.ToString().ToLowerInvariant();

    /// <summary>The names of all the service's tables, for checks that read everything stored.</summary>
    public IEnumerable<string> AllNames => Enum.GetValues<Table>().Select(NameOf);

    private async Task<TableClient> CreateAsync(Table table)
    {
        var client = service.GetTableClient(NameOf(table));
        try
        {
            await client.CreateIfNotExistsAsync(CancellationToken.None);
            return client;
        }
        catch
        {
            // Let the next caller try again instead of caching the failure for the process's life.
            _tables.TryRemove(table, out _);
            throw;
        }
    }
}
