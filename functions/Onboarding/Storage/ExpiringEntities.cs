using Azure.Data.Tables;

namespace Onboarding.Storage;

/// <summary>An entity that lives only until <see cref="ExpiresAt"/> (login attempts).</summary>
public interface IExpiringEntity
{
    DateTimeOffset ExpiresAt { get; set; }
}

public static class ExpiringEntities
{
    /// <summary>
    /// Deletes entities whose time is up, at most <paramref name="limit"/> per call, in entity-group
    /// transactions of up to 100 per partition (so the clean-up keeps up with any rate that fills the
    /// table). For small tables of short-lived items only: the filter reads the whole table.
    /// </summary>
    public static async Task<int> PurgeAsync(TableClient table, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now}");
        var expired = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000,
            select: [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)], cancellationToken: cancellationToken))
        {
            expired.Add(entity);
            if (expired.Count >= limit)
            {
                break;
            }
        }

        // Unconditional: an expired item is dead whatever changed.
        await TableBatches.DeleteAsync(table, expired, cancellationToken);
        return expired.Count;
    }
}
