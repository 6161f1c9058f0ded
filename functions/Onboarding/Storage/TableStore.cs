using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Onboarding.Storage;

/// <summary>The tables the service uses. One place for their names.</summary>
public enum Table
{
    Users,
    LoginAttempts,
    PartnerRechecks,
    TokenSightings,
    EmailIndex,
    Expiries,
}

/// <summary>
/// Hands out table clients, creating each table once per process on first use rather than at
/// start-up (no network call can fail a cold start) or on every call.
/// </summary>
public sealed class TableStore(TableServiceClient service, string prefix)
{
    private readonly ConcurrentDictionary<Table, Lazy<Task<TableClient>>> _tables = new();

    public Task<TableClient> GetAsync(Table table, CancellationToken cancellationToken = default) =>
        _tables.GetOrAdd(table, t => new Lazy<Task<TableClient>>(() => CreateAsync(t, cancellationToken))).Value;

    public string NameOf(Table table) => prefix + table.ToString().ToLowerInvariant();

    /// <summary>The names of all the service's tables, for checks that read everything stored.</summary>
    public IEnumerable<string> AllNames => Enum.GetValues<Table>().Select(NameOf);

    private async Task<TableClient> CreateAsync(Table table, CancellationToken cancellationToken)
    {
        var client = service.GetTableClient(NameOf(table));
        try
        {
            await client.CreateIfNotExistsAsync(cancellationToken);
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
