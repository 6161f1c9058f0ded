using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Onboarding.Storage;

namespace Onboarding.Uptake;

/// <summary>
/// Adds the failed sign-ins this instance tallied (<see cref="Uptake.SignInFailures"/>) to the reports,
/// for the drain: each tenant-month's tally becomes a batch with its own id, counted with an applied
/// row in the same transaction as its counts (like an outbox event), and kept in memory until a run has
/// counted it, so a lost answer or a storage fault never counts it twice or drops it. A crash of the
/// instance does drop what it had not counted yet (about 15 seconds' worth).
/// </summary>
public sealed partial class FailedSignInCounting(TableClients tables, Uptake.SignInFailures failures, UptakeReports reports, TimeProvider time,
    ILogger<FailedSignInCounting> logger)
{
    private const int MaxAttempts = 10;

    /// <summary>Tallies taken and not yet counted, by batch id.</summary>
    private readonly ConcurrentDictionary<string, FailureBatch> _batches = new(StringComparer.Ordinal);

    /// <summary>Takes what was tallied since the last run into batches, one per tenant and month.</summary>
    public void TakeTallies()
    {
        foreach (var group in failures.Take().GroupBy(f => (f.TenantId, f.Month)))
        {
            var id = "f" + Guid.NewGuid().ToString("N");
            _batches[id] = new FailureBatch(id, group.Key.TenantId, UptakeKeys.Partition(group.Key.TenantId, group.Key.Month.Year, group.Key.Month.Month),
                group.ToDictionary(f => f.Code, f => f.Count, StringComparer.Ordinal));
        }
    }

    /// <summary>A tenant-month's failed sign-ins by reason, as taken from the tally; counted once under its id.</summary>
    private sealed record FailureBatch(string Id, string TenantId, string Partition, Dictionary<string, long> ByCode)
    {
        public bool Tried { get; set; }
    }

    /// <summary>
    /// Adds this instance's pending failure batches of the tenant to the totals (metric <c>failed</c>) and
    /// to the breakdown by reason, each batch with its applied row in the same transaction.
    /// </summary>
    public async Task CountAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Uptake, cancellationToken);
        foreach (var batch in _batches.Values.Where(b => b.TenantId == tenantId).ToList())
        {
            for (var attempt = 1; ; attempt++)
            {
                // Only a batch tried before can be counted already (its answer lost).
                if (batch.Tried && (await table.GetEntityIfExistsAsync<AppliedEventEntity>(batch.Partition, UptakeKeys.Applied(batch.Id),
                        select: ["RowKey"], cancellationToken: cancellationToken)).HasValue)
                {
                    break;
                }

                batch.Tried = true;
                var summaries = await UptakeSummaries.ReadAsync(table, batch.Partition, [Dimensions.Total, Dimensions.Failure], cancellationToken);
                foreach (var (code, count) in batch.ByCode)
                {
                    UptakeSummaries.Counts(summaries[Dimensions.Total].Values, "").Add(Metrics.Failed, count);
                    var reasons = summaries[Dimensions.Failure].Values;
                    UptakeSummaries.Counts(reasons, UptakeSummaries.Slot(reasons, code)).Add(Metrics.Failed, count);
                }

                var actions = UptakeSummaries.Actions(batch.Partition, summaries);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                    new AppliedEventEntity { PartitionKey = batch.Partition, RowKey = UptakeKeys.Applied(batch.Id), AppliedAt = time.GetUtcNow() }));
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                    break;
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
                {
                    // Another drain counted into the month meanwhile (or this batch's earlier try did).
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), cancellationToken);
                }
            }

            _batches.TryRemove(batch.Id, out _);
            reports.Invalidate([batch.Partition]);
            LogFailuresCounted(tenantId, batch.ByCode.Values.Sum());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Uptake drain of tenant {Tenant}: {Count} failed sign-ins counted")]
    private partial void LogFailuresCounted(string tenant, long count);
}
