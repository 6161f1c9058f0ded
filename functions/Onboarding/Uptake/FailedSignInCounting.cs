using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Onboarding.Storage;

namespace Onboarding.Uptake;

/// <summary>
/// Adds the failed sign-ins every instance flushed to its shard rows (<see cref="FailureShards"/>) to
/// the reports, for the drain, on whichever instance it runs: per tenant-month, what each pending
/// shard tallied beyond what it had counted goes into the summaries (metric <c>failed</c>, totals and
/// by reason) in <b>one transaction</b> with the shard's new <see cref="FailureShardEntity.Counted"/>
/// (both in the month's partition, all under the ETags they were read with). So two drains at once,
/// or a drain retried after a lost answer, count each failure once: the loser's ETags no longer match,
/// it reads again and finds it counted. A shard written meanwhile stays pending (its ETag changed) and
/// counts at the next try. A month's shards go, counted, two days after its end (and an hour after
/// their last write), in the same way.
/// </summary>
public sealed partial class FailedSignInCounting(TableClients tables, UptakeReports reports, TimeProvider time,
    ILogger<FailedSignInCounting> logger)
{
    /// <summary>
    /// A counted shard goes once its month ended this long ago and it was last written
    /// <see cref="DeletedIdleFor"/> ago: longer than an instance may still write it
    /// (<see cref="FailureShards.WrittenUntilAfterMonth"/>, <see cref="FailureShards.RewrittenWithin"/>).
    /// </summary>
    public static readonly TimeSpan KeptAfterMonth = TimeSpan.FromDays(2);

    /// <summary>See <see cref="KeptAfterMonth"/>.</summary>
    public static readonly TimeSpan DeletedIdleFor = TimeSpan.FromHours(1);

    /// <summary>Transactions (and tries after a conflict) per partition per run.</summary>
    private const int MaxRounds = 10;

    private const int MaxShardsPerTransaction = 98; // with the two summary rows: 100

    /// <summary>Counts the tenant's pending shards (and those of months long over, which then go); returns the failures counted.</summary>
    public async Task<long> CountAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Uptake, cancellationToken);
        var now = time.GetUtcNow();
        var oldBefore = OldBefore(tenantId, now);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey gt {tenantId + "_"} and PartitionKey lt {tenantId + "`"} and RowKey ge {FailureShards.RowPrefix} and RowKey lt {"f}"} and (Pending eq {true} or PartitionKey lt {oldBefore})");
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var shard in table.QueryAsync<FailureShardEntity>(filter, maxPerPage: 1000, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            partitions.Add(shard.PartitionKey);
        }

        long counted = 0;
        foreach (var partition in partitions)
        {
            counted += await CountPartitionAsync(table, partition, string.CompareOrdinal(partition, oldBefore) < 0, now, cancellationToken);
        }

        if (counted > 0)
        {
            reports.Invalidate(partitions);
            LogFailuresCounted(tenantId, counted);
        }

        return counted;
    }

    /// <summary>The first partition of the tenant whose month ended less than <see cref="KeptAfterMonth"/> ago.</summary>
    public static string OldBefore(string tenantId, DateTimeOffset now) => UptakeKeys.Partition(tenantId, now - KeptAfterMonth);

    /// <summary>Whether a shard is deleted: counted, of a month long over, and written by no one for an hour.</summary>
    public static bool Goes(bool oldMonth, FailureShardEntity shard, bool counted, DateTimeOffset now) =>
        oldMonth && counted && !shard.Pending && !(shard.FlushedAt > now - DeletedIdleFor);

    private static async Task<long> CountPartitionAsync(TableClient table, string partition, bool old, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        long counted = 0;
        for (var round = 1; round <= MaxRounds; round++)
        {
            var shards = await ReadAsync(table, partition, cancellationToken);
            var todo = shards.Select(s => (Shard: s, Tally: FailureShardEntity.Parse(s.Tally), Counted: FailureShardEntity.Parse(s.Counted)))
                .Select(s => (s.Shard, s.Tally, Uncounted: FailureShardEntity.Uncounted(s.Tally, s.Counted)))
                .Select(s => (s.Shard, s.Tally, s.Uncounted, Delete: Goes(old, s.Shard, s.Uncounted.Count == 0, now)))
                .Where(s => s.Delete || s.Shard.Pending || s.Uncounted.Count > 0)
                .Take(MaxShardsPerTransaction).ToList();
            if (todo.Count == 0)
            {
                return counted;
            }

            var byCode = todo.SelectMany(s => s.Uncounted).GroupBy(c => c.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);
            var actions = new List<TableTransactionAction>();
            if (byCode.Count > 0)
            {
                var summaries = await UptakeSummaries.ReadAsync(table, partition, [Dimensions.Total, Dimensions.Failure], cancellationToken);
                foreach (var (code, count) in byCode)
                {
                    UptakeSummaries.Counts(summaries[Dimensions.Total].Values, "").Add(Metrics.Failed, count);
                    var reasons = summaries[Dimensions.Failure].Values;
                    UptakeSummaries.Counts(reasons, UptakeSummaries.Slot(reasons, code)).Add(Metrics.Failed, count);
                }

                actions.AddRange(UptakeSummaries.Actions(partition, summaries));
            }

            // Every shard under the ETag it was read with: one written meanwhile makes the whole try fail, and read again.
            actions.AddRange(todo.Select(s => s.Delete
                ? new TableTransactionAction(TableTransactionActionType.Delete, s.Shard, s.Shard.ETag)
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(partition, s.Shard.RowKey)
                {
                    [nameof(FailureShardEntity.Counted)] = FailureShardEntity.Write(s.Tally),
                    [nameof(FailureShardEntity.Pending)] = false,
                }, s.Shard.ETag)));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                counted += byCode.Values.Sum();
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Another drain counted into the month meanwhile, an instance flushed, or this try's
                // earlier answer was lost after it went through: read again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * round)), cancellationToken);
            }
        }

        return counted; // what is left (conflicts at every round) counts at the next run
    }

    private static async Task<List<FailureShardEntity>> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var shards = new List<FailureShardEntity>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {FailureShards.RowPrefix} and RowKey lt {"f}"}");
        await foreach (var shard in table.QueryAsync<FailureShardEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            shards.Add(shard);
        }

        return shards;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Uptake drain of tenant {Tenant}: {Count} failed sign-ins counted")]
    private partial void LogFailuresCounted(string tenant, long count);
}
