using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Onboarding.Storage;
using Onboarding.Tenants;

namespace Onboarding.Uptake;

/// <summary>
/// Counts what sign-ins asked for, off the request path: reads the outbox rows written with the user
/// records and adds them to the counters, then deletes them. Exact and idempotent under retries,
/// crashes and concurrent drains:
/// <list type="number">
/// <item>a distinct metric counts only for the event that added its marker (the marker names it);</item>
/// <item>an event's counts and its <see cref="AppliedEventEntity"/> go in one transaction, so a drain
///   repeated after a crash or a lost answer finds it counted and skips it;</item>
/// <item>the outbox row goes only after that; the applied row a quarter of an hour later.</item>
/// </list>
/// Counters have one writer at a time in practice (the timer); a concurrent drain loses an ETag race
/// and reads again. A sign-in never waits for any of this.
/// </summary>
/// <remarks>
/// Each run first flushes this instance's failed-sign-in tally to its shard rows (<see cref="FailureShards"/>),
/// then has <see cref="FailedSignInCounting"/> count every instance's shards of each tenant.
/// </remarks>
public sealed partial class UptakeDrain(TableClients tables, TenantCatalog tenants, UptakeReports reports, FailureShards shards,
    FailedSignInCounting failures, TimeProvider time, ILogger<UptakeDrain> logger)
{
    /// <summary>Outbox rows read per user partition per run; the rest waits for the next run.</summary>
    public const int MaxPerPartitionPerRun = 2000;

    /// <summary>How long an applied row stays: longer than any drain run holds an event it read.</summary>
    public static readonly TimeSpan AppliedKeptFor = TimeSpan.FromMinutes(15);

    private const int MaxAttempts = 10;
    private const int MaxActionsPerTransaction = 100;

    /// <summary>Drains every tenant and rebuilds the dashboard's kept top lists; returns the number of outbox rows handled.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        await shards.FlushAsync(cancellationToken); // never throws for storage: what it could not write waits in memory
        foreach (var tenant in tenants.All)
        {
            try
            {
                await failures.CountAsync(tenant.Id, cancellationToken);
                total += await DrainTenantAsync(tenant.Id, cancellationToken);
                await SweepAppliedAsync(tenant.Id, cancellationToken);
                await reports.RefreshTopListsAsync(tenant, cancellationToken); // the dashboard's top lists, when counted into (or due)
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One tenant's fault (storage, a conflict past every retry) does not stop the others;
                // its rows stay in the outbox for the next run, which counts them once.
                LogTenantFailed(tenant.Id, e.GetType().Name);
            }
        }

        return total;
    }

    public async Task<int> DrainTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var users = await tables.GetAsync(Table.Users, cancellationToken);
        var rows = (await Task.WhenAll(Partitions.All(tenantId)
            .Select(p => Outbox.ReadAsync(users, p, MaxPerPartitionPerRun, cancellationToken)))).SelectMany(r => r).ToList();
        await ApplyAsync(tenantId, rows, cancellationToken);
        return rows.Count;
    }

    /// <summary>Counts one person's pending events now (before their erasure takes the markers).</summary>
    public async Task DrainUserAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var users = await tables.GetAsync(Table.Users, cancellationToken);
        var rows = await Outbox.ReadAsync(users, Users.UserEntity.PartitionOf(tenantId, userId), MaxPerPartitionPerRun, cancellationToken);
        await ApplyAsync(tenantId, rows.Where(r => r.Owner == userId).ToList(), cancellationToken);
    }

    private async Task ApplyAsync(string tenantId, List<OutboxEntity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var events = new List<(OutboxEntity Row, UptakeEvent Event)>();
        foreach (var row in rows)
        {
            if (UptakeEvent.Parse(row.Payload) is { } parsed && parsed.Partition.StartsWith(tenantId + "_", StringComparison.Ordinal))
            {
                events.Add((row, parsed));
            }
            else
            {
                LogUnreadable(tenantId); // not ours to count: dropped with the others
            }
        }

        await Task.WhenAll(events.GroupBy(e => e.Event.Partition).Select(g => ApplyPartitionAsync(g.Key, g.ToList(), cancellationToken)));
        var users = await tables.GetAsync(Table.Users, cancellationToken);
        await TableBatches.DeleteAsync(users, rows, cancellationToken);
        reports.Invalidate(events.Select(e => e.Event.Partition));
        LogDrained(tenantId, rows.Count);
    }

    private async Task ApplyPartitionAsync(string partition, IReadOnlyList<(OutboxEntity Row, UptakeEvent Event)> events,
        CancellationToken cancellationToken)
    {
        var counters = await tables.GetAsync(Table.Uptake, cancellationToken);
        var applied = await ReadAppliedAsync(counters, partition, cancellationToken);
        var pending = events.Where(e => !applied.Contains(Outbox.IdOf(e.Row))).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        // Which steps each event counts: the unguarded ones, and those whose marker it holds.
        var counted = new Claimed[pending.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, pending.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => counted[i] = new Claimed(pending[i].Row, pending[i].Event, await ClaimStepsAsync(pending[i].Row, pending[i].Event, ct)));

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CountAsync(counters, partition, counted.Where(c => c.Steps.Count > 0).ToList(), cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another drain counted meanwhile: read the counters and the applied events again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), cancellationToken);
                applied = await ReadAppliedAsync(counters, partition, cancellationToken);
                counted = counted.Where(c => !applied.Contains(Outbox.IdOf(c.Row))).ToArray();
            }
        }
    }

    /// <summary>Adds the event's markers; a marker already there counts only if this event added it before.</summary>
    private async Task<List<CountStep>> ClaimStepsAsync(OutboxEntity row, UptakeEvent uptake, CancellationToken cancellationToken)
    {
        var markers = await tables.GetAsync(Table.UptakeMarkers, cancellationToken);
        var id = Outbox.IdOf(row);
        var markerPartition = UptakeKeys.MarkerPartition(uptake.Partition, uptake.UserHash);
        var steps = new List<CountStep>();
        foreach (var step in uptake.Steps)
        {
            if (step.Marker is null)
            {
                steps.Add(step);
                continue;
            }

            try
            {
                await markers.AddEntityAsync(new MarkerEntity { PartitionKey = markerPartition, RowKey = step.Marker, EventId = id }, cancellationToken);
                steps.Add(step);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var existing = await markers.GetEntityIfExistsAsync<MarkerEntity>(markerPartition, step.Marker, cancellationToken: cancellationToken);
                if (existing.HasValue && existing.Value!.EventId == id)
                {
                    steps.Add(step); // ours, from a run that stopped before counting
                }
            }
        }

        return steps;
    }

    /// <summary>
    /// The events' counts added to the month's summary rows (one per dimension, point reads) in as few
    /// transactions as fit, each with the events' applied rows.
    /// </summary>
    private async Task CountAsync(TableClient table, string partition, List<Claimed> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var dimensions = events.SelectMany(e => e.Event.Dimensions.Select(d => d[0])).Distinct(StringComparer.Ordinal).ToList();
        var perTransaction = MaxActionsPerTransaction - dimensions.Count;
        var now = time.GetUtcNow();
        foreach (var chunk in events.Chunk(perTransaction))
        {
            var summaries = await UptakeSummaries.ReadAsync(table, partition, dimensions, cancellationToken);
            foreach (var e in chunk)
            {
                foreach (var dimension in e.Event.Dimensions)
                {
                    var values = summaries[dimension[0]].Values;
                    var counts = UptakeSummaries.Counts(values, UptakeSummaries.Slot(values, dimension[1]));
                    foreach (var step in e.Steps)
                    {
                        counts.Add(step.Metric, 1);
                    }
                }
            }

            var actions = UptakeSummaries.Actions(partition, summaries);
            actions.AddRange(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, new AppliedEventEntity
            {
                PartitionKey = partition,
                RowKey = UptakeKeys.Applied(Outbox.IdOf(e.Row)),
                OutboxPartition = e.Row.PartitionKey,
                OutboxRow = e.Row.RowKey,
                AppliedAt = now,
            })));
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    private static async Task<HashSet<string>> ReadAppliedAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"e|"} and RowKey lt {"e}"}");
        await foreach (var row in table.QueryAsync<AppliedEventEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(row.RowKey[2..]);
        }

        return ids;
    }

    /// <summary>
    /// Deletes applied rows older than <see cref="AppliedKeptFor"/> whose outbox row is gone (if it is
    /// not, its delete failed: the next drain finds the row applied, deletes it, and the sweep after).
    /// </summary>
    public async Task<int> SweepAppliedAsync(string tenantId, CancellationToken cancellationToken)
    {
        var counters = await tables.GetAsync(Table.Uptake, cancellationToken);
        var users = await tables.GetAsync(Table.Users, cancellationToken);
        var before = time.GetUtcNow() - AppliedKeptFor;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey gt {tenantId + "_"} and PartitionKey lt {tenantId + "`"} and RowKey ge {"e|"} and RowKey lt {"e}"} and AppliedAt lt {before}");
        var old = new List<AppliedEventEntity>();
        await foreach (var row in counters.QueryAsync<AppliedEventEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (row.OutboxPartition.Length == 0)
            {
                old.Add(row); // a failure batch's, from before failures were counted from shards: no outbox row
                continue;
            }

            var outbox = await users.GetEntityIfExistsAsync<OutboxEntity>(row.OutboxPartition, row.OutboxRow, select: ["RowKey"], cancellationToken: cancellationToken);
            if (!outbox.HasValue)
            {
                old.Add(row);
            }
        }

        await TableBatches.DeleteAsync(counters, old, cancellationToken);
        return old.Count;
    }

    private sealed record Claimed(OutboxEntity Row, UptakeEvent Event, List<CountStep> Steps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Uptake drain of tenant {Tenant} failed ({Error}); its outbox rows wait for the next run")]
    private partial void LogTenantFailed(string tenant, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uptake drain of tenant {Tenant}: {Count} outbox rows counted")]
    private partial void LogDrained(string tenant, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Uptake drain of tenant {Tenant}: an outbox row that is not an uptake event of the tenant was dropped")]
    private partial void LogUnreadable(string tenant);
}
