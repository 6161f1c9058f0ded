using Azure;
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
    /// Deletes entities whose time is up, at most <paramref name="limit"/> per call. For small tables
    /// of short-lived items only: the filter reads the whole table.
    /// </summary>
    public static async Task<int> PurgeAsync(TableClient table, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now}");
        var deleted = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter,
            select: [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)], cancellationToken: cancellationToken))
        {
            // Unconditional: an expired item is dead whatever changed; a 404 (used meanwhile) is fine.
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
            if (++deleted >= limit)
            {
                break;
            }
        }

        return deleted;
    }
}
