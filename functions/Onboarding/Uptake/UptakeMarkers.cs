using Azure;
using Azure.Data.Tables;
using Onboarding.Common;
using Onboarding.Storage;

namespace Onboarding.Uptake;

/// <summary>The per-user markers' life after counting: gone at erasure, and once their month is over.</summary>
public sealed class UptakeMarkers(TableClients tables, Pseudonymizer pseudonyms, TimeProvider time)
{
    /// <summary>Removes the markers of one life of a person (erasure): their cohort's stage markers and this month's activity marker. The counts stay.</summary>
    public async Task ForgetAsync(string tenantId, string userId, DateTimeOffset firstSignInAt, string? life, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.UptakeMarkers, cancellationToken);
        var hash = UptakeHash.Of(pseudonyms, userId, life);
        var cohort = UptakeKeys.Partition(tenantId, firstSignInAt);
        var month = UptakeKeys.Partition(tenantId, time.GetUtcNow());
        var rows = UptakeKeys.Stages.Select(stage => (Partition: UptakeKeys.MarkerPartition(cohort, hash), Row: UptakeKeys.StageMarker(hash, stage)))
            .Concat(Metrics.ReturnMonths.Select(k => (Partition: UptakeKeys.MarkerPartition(cohort, hash), Row: UptakeKeys.ReturnMarker(hash, k))))
            .Append((Partition: UptakeKeys.MarkerPartition(month, hash), Row: UptakeKeys.ActiveMarker(hash)));
        await Task.WhenAll(rows.Select(r => table.DeleteEntityAsync(r.Partition, r.Row, ETag.All, cancellationToken))); // 404 is fine
    }

    /// <summary>
    /// Removes the markers many people's records say they have (the purge): sign-up, the stages their
    /// status reached, and this month's activity if they signed in this month; in batches per partition.
    /// </summary>
    public async Task ForgetManyAsync(Tenants.Tenant tenant, IReadOnlyList<Users.UserRecord> users, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.UptakeMarkers, cancellationToken);
        var month = UptakeKeys.Partition(tenant.Id, time.GetUtcNow());
        var rows = new List<MarkerEntity>();
        foreach (var user in users)
        {
            var hash = UptakeHash.Of(pseudonyms, user.UserId, user.Life);
            var cohort = UptakeKeys.MarkerPartition(UptakeKeys.Partition(tenant.Id, user.FirstSignInAt), hash);
            var stages = UptakePlanner.Stages(tenant, user.Status).Prepend(Metrics.SignUps);
            if (user.Status.ReadyAt is not null)
            {
                stages = stages.Append("days");
            }

            rows.AddRange(stages.Select(stage => new MarkerEntity { PartitionKey = cohort, RowKey = UptakeKeys.StageMarker(hash, stage) }));
            if (UptakeKeys.Partition(tenant.Id, user.LastSignInAt) == month)
            {
                rows.Add(new MarkerEntity { PartitionKey = UptakeKeys.MarkerPartition(month, hash), RowKey = UptakeKeys.ActiveMarker(hash) });
                if (UptakeKeys.MonthsAfter(user.FirstSignInAt, user.LastSignInAt) is var k && Metrics.ReturnMonths.Contains(k))
                {
                    rows.Add(new MarkerEntity { PartitionKey = cohort, RowKey = UptakeKeys.ReturnMarker(hash, k) }); // back this month
                }
            }
        }

        await TableBatches.DeleteAsync(table, rows, cancellationToken);
    }

    /// <summary>
    /// Deletes activity markers of months before the current one, and return markers whose month is
    /// over (a cohort's k-month marker once cohort + k is past): they only ever dedupe within their month.
    /// </summary>
    public async Task<int> PurgeOldActivityAsync(string tenantId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.UptakeMarkers, cancellationToken);
        var now = time.GetUtcNow();
        var ranges = Metrics.ReturnMonths.Select(k => (Before: UptakeKeys.Partition(tenantId, now.AddMonths(-k)), Prefix: $"r{k}"))
            .Prepend((Before: UptakeKeys.Partition(tenantId, now), Prefix: "a"));
        var old = new List<MarkerEntity>();
        foreach (var (before, prefix) in ranges)
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey ge {tenantId + "_"} and PartitionKey lt {before} and RowKey ge {prefix + "|"} and RowKey lt {prefix + "}"}");
            await foreach (var marker in table.QueryAsync<MarkerEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                old.Add(marker);
            }
        }

        await TableBatches.DeleteAsync(table, old, cancellationToken);
        return old.Count;
    }
}
