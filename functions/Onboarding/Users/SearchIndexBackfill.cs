using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>How far the backfill of a tenant's search index is: partitions done of 16, records read and brought into the index.</summary>
public sealed record BackfillProgress(int PartitionsDone, int Partitions, long Read, long Indexed)
{
    public bool Done => PartitionsDone == Partitions;
}

/// <summary>A partition's checkpoint: the last user id the backfill has been through, and whether it is done.</summary>
public sealed class BackfillCheckpointEntity : TableRow
{
    public string After { get; set; } = "";
    public bool Done { get; set; }
    public long Read { get; set; }
    public long Indexed { get; set; }
}

/// <summary>
/// Brings the records written before the search index had its country rows and sort values (records
/// that name no <see cref="UserEntity.IndexedDay"/>) into <see cref="SearchIndex"/>, without waiting
/// for each person's next sign-in: each of the tenant's 16 partitions read in key order,
/// <see cref="BatchSize"/> records a page, each record not current written again with its index rows in
/// one transaction, guarded by its ETag. Resumable: after each page a checkpoint (the last id) goes to the
/// jobs table, and a run starts where the last one stopped. Idempotent: a current record is left alone,
/// and a record changed meanwhile (412) was written by a sign-in, which brought its rows in line itself.
/// Several instances may run it at once; they only repeat each other's reads.
/// </summary>
public sealed partial class SearchIndexBackfill(TableClients tables, ILogger<SearchIndexBackfill> logger)
{
    /// <summary>The job's name, with the version of the index it builds: a later index change starts a new job.</summary>
    public const string Job = "search-index-v2";

    public const int BatchSize = 100;

    private const int Parallelism = 8;

    /// <summary>Where the backfill of the tenant stands, from its checkpoints (one query).</summary>
    public async Task<BackfillProgress> ProgressAsync(string tenantId, CancellationToken cancellationToken)
    {
        var checkpoints = await CheckpointsAsync(tenantId, cancellationToken);
        return new BackfillProgress(checkpoints.Values.Count(c => c.Done), Partitions.Buckets, checkpoints.Values.Sum(c => c.Read),
            checkpoints.Values.Sum(c => c.Indexed));
    }

    /// <summary>Runs (or resumes) the backfill of the tenant to its end; returns where it stands.</summary>
    public async Task<BackfillProgress> RunAsync(string tenantId, CancellationToken cancellationToken)
    {
        var (users, jobs) = (await tables.GetAsync(Table.Users, cancellationToken), await tables.GetAsync(Table.Jobs, cancellationToken));
        var checkpoints = await CheckpointsAsync(tenantId, cancellationToken);
        foreach (var partition in Partitions.All(tenantId))
        {
            var checkpoint = checkpoints.GetValueOrDefault(partition) ?? new BackfillCheckpointEntity { PartitionKey = Job, RowKey = partition };
            while (!checkpoint.Done)
            {
                var (page, more) = await ReadPageAsync(users, partition, checkpoint.After, cancellationToken);
                var indexed = 0;
                await Parallel.ForEachAsync(page.Where(u => !SearchIndex.IsCurrent(u)),
                    new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (user, ct) =>
                    {
                        if (await IndexAsync(users, user, ct))
                        {
                            Interlocked.Increment(ref indexed);
                        }
                    });
                checkpoint.Read += page.Count;
                checkpoint.Indexed += indexed;
                checkpoint.After = page.Count > 0 ? page[^1].RowKey : checkpoint.After;
                checkpoint.Done = !more;
                await jobs.UpsertEntityAsync(checkpoint, TableUpdateMode.Replace, cancellationToken);
                LogPage(tenantId, partition, checkpoint.Read, checkpoint.Indexed, checkpoint.Done);
            }

            checkpoints[partition] = checkpoint;
        }

        var progress = new BackfillProgress(checkpoints.Values.Count(c => c.Done), Partitions.Buckets, checkpoints.Values.Sum(c => c.Read),
            checkpoints.Values.Sum(c => c.Indexed));
        LogDone(tenantId, progress.Read, progress.Indexed);
        return progress;
    }

    /// <summary>
    /// The next records of a partition after <paramref name="after"/> (user rows only: index and outbox
    /// rows start with <c>~</c>), up to <see cref="BatchSize"/>; <c>More</c>: there may be more after them.
    /// </summary>
    private static async Task<(List<UserEntity> Rows, bool More)> ReadPageAsync(TableClient users, string partition, string after,
        CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {"~"}");
        await foreach (var page in users.QueryAsync<UserEntity>(filter, maxPerPage: BatchSize, cancellationToken: cancellationToken).AsPages(pageSizeHint: BatchSize))
        {
            // Storage may answer an empty page with more after it: read on to the first rows.
            if (page.Values.Count > 0 || page.ContinuationToken is null)
            {
                return (page.Values.ToList(), page.ContinuationToken is not null);
            }
        }

        return ([], false);
    }

    /// <summary>Writes the record again with its index rows, if it is unchanged since it was read; false when a sign-in or an erasure came first.</summary>
    private static async Task<bool> IndexAsync(TableClient users, UserEntity user, CancellationToken cancellationToken)
    {
        var actions = SearchIndex.Follow(user);
        actions.Insert(0, new TableTransactionAction(TableTransactionActionType.UpdateReplace, user, user.ETag));
        try
        {
            await users.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    private async Task<Dictionary<string, BackfillCheckpointEntity>> CheckpointsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var jobs = await tables.GetAsync(Table.Jobs, cancellationToken);
        var (first, last) = (Partitions.All(tenantId).First(), Partitions.All(tenantId).Last());
        var found = new Dictionary<string, BackfillCheckpointEntity>(StringComparer.Ordinal);
        await foreach (var c in jobs.QueryAsync<BackfillCheckpointEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {Job} and RowKey ge {first} and RowKey le {last}"), cancellationToken: cancellationToken))
        {
            found[c.RowKey] = c;
        }

        return found;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index backfill of tenant {Tenant}, partition {Partition}: {Read} records read, {Indexed} brought into the index{DoneText}")]
    private partial void LogPage(string tenant, string partition, long read, long indexed, string doneText);

    private void LogPage(string tenant, string partition, long read, long indexed, bool done) => LogPage(tenant, partition, read, indexed, done ? " (partition done)" : "");

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index backfill of tenant {Tenant} done: {Read} records read, {Indexed} brought into the index")]
    private partial void LogDone(string tenant, long read, long indexed);
}
