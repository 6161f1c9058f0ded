using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Onboarding.Privacy;
using Onboarding.Status;
using Onboarding.Storage;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Uptake;

/// <summary>
/// Counts uptake as it happens, into summary rows a report reads directly: sign-ins, sign-ups,
/// monthly active users, and each sign-up cohort's funnel. Distinct counts are exact and
/// idempotent: the user's marker and the counters go in one transaction, so a retried or
/// concurrent sign-in of the same person in the same month counts once.
/// </summary>
public sealed partial class UptakeCounter(TableStore tables, Pseudonymizer pseudonyms, TimeProvider time, ILogger<UptakeCounter> logger)
{
    private const int MaxAttempts = 10;

    /// <summary>A sign-in just recorded (<paramref name="before"/> null on the first).</summary>
    public async Task SignInAsync(Tenant tenant, UserRecord? before, UserRecord after, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = pseudonyms.Hash("uptake", after.UserId);
        var dims = DimensionsOf(after);
        var month = UptakeKeys.Partition(tenant.Id, now);

        var plan = new List<(string? Marker, string Metric)> { (null, Metrics.SignIns), (UptakeKeys.ActiveMarker(hash), Metrics.ActiveUsers) };
        var first = before is null;
        if (first)
        {
            plan.Add((UptakeKeys.StageMarker(hash, Metrics.SignUps), Metrics.SignUps));
        }

        await ApplyAsync(month, dims, plan, cancellationToken);
        await StatusChangedAsync(tenant, before?.Status, after, cancellationToken);
    }

    /// <summary>A status change: counts the funnel stages first reached, in the person's sign-up cohort.</summary>
    public async Task StatusChangedAsync(Tenant tenant, StoredStatus? before, UserRecord after, CancellationToken cancellationToken)
    {
        var reached = Stages(tenant, after.Status).Except(before is null ? [] : Stages(tenant, before)).ToList();
        if (reached.Count == 0)
        {
            return;
        }

        var hash = pseudonyms.Hash("uptake", after.UserId);
        var plan = reached.Select(stage => ((string?)UptakeKeys.StageMarker(hash, stage), stage)).ToList();
        if (reached.Contains(Metrics.Ready) && after.Status.ReadyAt is { } readyAt)
        {
            plan.Add((null, Metrics.DaysToReady((int)(readyAt - after.FirstSignInAt).TotalDays)));
        }

        await ApplyAsync(UptakeKeys.Partition(tenant.Id, after.FirstSignInAt), DimensionsOf(after), plan, cancellationToken);
    }

    /// <summary>The funnel stages a status has reached (sign-up is counted at the first sign-in).</summary>
    public static IEnumerable<string> Stages(Tenant tenant, StoredStatus status)
    {
        if (status.Step(StatusSteps.Membership)?.FirstDoneAt is not null)
        {
            yield return Metrics.Member;
        }

        if (tenant.Partners.All(p => status.Step(p.Id)?.FirstDoneAt is not null))
        {
            yield return Metrics.PartnersLinked;
        }

        if (status.ReadyAt is not null)
        {
            yield return Metrics.Ready;
        }
    }

    /// <summary>The (dimension, value) pairs a person counts under: the total, their country, institution and roles.</summary>
    public static IReadOnlyList<(string Dimension, string Value)> DimensionsOf(UserRecord user)
    {
        var dims = new List<(string, string)>
        {
            (Dimensions.Total, ""),
            (Dimensions.Country, user.Country ?? "unknown"),
            (Dimensions.Institution, user.Institution ?? "unknown"),
        };
        dims.AddRange(user.Status.Roles.Count == 0 ? [(Dimensions.Role, "none")] : user.Status.Roles.Select(r => (Dimensions.Role, r)));
        return dims;
    }

    /// <summary>
    /// For each planned metric whose marker is not yet there: insert the marker and add one to the
    /// metric's counters, all in one transaction; ETag conflicts re-read and retry.
    /// </summary>
    private async Task ApplyAsync(string partition, IReadOnlyList<(string Dimension, string Value)> dims,
        IReadOnlyList<(string? Marker, string Metric)> plan, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Uptake, cancellationToken);
        var keys = plan.Where(p => p.Marker is not null).Select(p => p.Marker!)
            .Concat(plan.SelectMany(p => dims.Select(d => UptakeKeys.Counter(d.Dimension, d.Value, p.Metric))))
            .Distinct().ToList();
        for (var attempt = 1; ; attempt++)
        {
            // Every row this event touches, markers and counters, in one read of the partition.
            var existing = await ReadRowsAsync(table, partition, keys, cancellationToken);
            var actions = new List<TableTransactionAction>();
            foreach (var (marker, metric) in plan)
            {
                if (marker is not null)
                {
                    if (existing.ContainsKey(marker))
                    {
                        continue; // already counted: a retry, or the same person again this month
                    }

                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new UptakeEntity { PartitionKey = partition, RowKey = marker }));
                }

                foreach (var (dimension, value) in dims)
                {
                    var key = UptakeKeys.Counter(dimension, value, metric);
                    actions.Add(existing.TryGetValue(key, out var counter)
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace,
                            new UptakeEntity { PartitionKey = partition, RowKey = key, Count = counter.Count + 1 }, counter.ETag)
                        : new TableTransactionAction(TableTransactionActionType.Add,
                            new UptakeEntity { PartitionKey = partition, RowKey = key, Count = 1 }));
                }
            }

            if (actions.Count == 0)
            {
                return;
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Someone counted at the same moment: read again. A marker that now exists drops its metric.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), cancellationToken);
            }
            catch (TableTransactionFailedException e)
            {
                LogGaveUp(partition, e.Status);
                throw;
            }
        }
    }

    private static async Task<Dictionary<string, UptakeEntity>> ReadRowsAsync(TableClient table, string partition,
        IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}") + " and ("
            + string.Join(" or ", keys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}"))) + ")";
        var rows = new Dictionary<string, UptakeEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<UptakeEntity>(filter, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    /// <summary>Removes a person's markers (erasure): their cohort's stage markers and this month's activity marker.</summary>
    public async Task ForgetAsync(string tenantId, string userId, DateTimeOffset firstSignInAt, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Uptake, cancellationToken);
        var hash = pseudonyms.Hash("uptake", userId);
        var cohort = UptakeKeys.Partition(tenantId, firstSignInAt);
        foreach (var stage in new[] { Metrics.SignUps, Metrics.Member, Metrics.PartnersLinked, Metrics.Ready })
        {
            await table.DeleteEntityAsync(cohort, UptakeKeys.StageMarker(hash, stage), ETag.All, cancellationToken);
        }

        await table.DeleteEntityAsync(UptakeKeys.Partition(tenantId, time.GetUtcNow()), UptakeKeys.ActiveMarker(hash), ETag.All, cancellationToken);
    }

    /// <summary>Deletes activity markers of months before the current one: they only ever dedupe within their month.</summary>
    public async Task<int> PurgeActivityMarkersAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Uptake, cancellationToken);
        var current = UptakeKeys.Partition(tenantId, time.GetUtcNow());
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {tenantId + "_"} and PartitionKey lt {current} and RowKey ge {"a|"} and RowKey lt {"a}"}");
        var old = new List<UptakeEntity>();
        await foreach (var marker in table.QueryAsync<UptakeEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            old.Add(marker);
        }

        foreach (var batch in old.GroupBy(m => m.PartitionKey).SelectMany(p => p.Chunk(100)))
        {
            await table.SubmitTransactionAsync(batch.Select(m => new TableTransactionAction(TableTransactionActionType.Delete, m, ETag.All)), cancellationToken);
        }

        return old.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Uptake counting gave up in {Partition}: storage answered {Status}")]
    private partial void LogGaveUp(string partition, int status);
}
