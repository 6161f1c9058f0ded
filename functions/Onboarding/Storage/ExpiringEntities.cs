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

        foreach (var batch in expired.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100)))
        {
            try
            {
                // Unconditional: an expired item is dead whatever changed.
                await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)),
                    cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                // One was used (consumed) meanwhile: the rest one by one, a 404 is fine.
                foreach (var entity in batch)
                {
                    await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
                }
            }
        }

        return expired.Count;
    }
}
