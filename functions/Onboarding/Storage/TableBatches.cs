using Azure;
using Azure.Data.Tables;

namespace Onboarding.Storage;

/// <summary>Deletes in entity-group transactions: one partition, at most 100 entities each.</summary>
public static class TableBatches
{
    /// <summary>
    /// Deletes the entities whatever their state. When a batch fails because one of them is gone
    /// already (a run that crashed part-way, or the entity was used meanwhile), that batch goes one
    /// by one, where a 404 is not an error.
    /// </summary>
    public static async Task DeleteAsync(TableClient table, IEnumerable<ITableEntity> entities, CancellationToken cancellationToken)
    {
        var batches = entities.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (batch, ct) =>
        {
            try
            {
                await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), ct);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var entity in batch)
                {
                    await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, ct);
                }
            }
        });
    }
}
