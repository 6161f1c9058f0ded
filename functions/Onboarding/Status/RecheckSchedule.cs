using Azure.Data.Tables;
using Azure;
using Onboarding.Storage;

namespace Onboarding.Status;

/// <summary>
/// Users whose partner step is not done yet, with when to look again (partition = tenant spread by
/// user id, row = user id). The re-check timer reads only the due ones of each tenant, a bounded
/// number per run, the 16 partitions at once.
/// </summary>
public sealed class RecheckScheduleEntity : TableRow
{
    public DateTimeOffset DueAt { get; set; }

    /// <summary>After this, stop re-checking: the person has not linked within the tenant's window.</summary>
    public DateTimeOffset Until { get; set; }

    /// <summary>Re-checks in a row that could not reach a partner: the next one comes sooner than hourly, backing off.</summary>
    public int Misses { get; set; }
}

public sealed class RecheckSchedule(TableClients tables)
{
    public async Task ScheduleAsync(string tenantId, string userId, DateTimeOffset dueAt, DateTimeOffset until,
        CancellationToken cancellationToken, int misses = 0)
    {
        var table = await tables.GetAsync(Table.PartnerRechecks, cancellationToken);
        await table.UpsertEntityAsync(new RecheckScheduleEntity
        {
            PartitionKey = Partitions.Spread(tenantId, userId),
            RowKey = userId,
            DueAt = dueAt,
            Until = until,
            Misses = misses,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The user's schedule, if they have one (a point read in the user's own partition).</summary>
    public async Task<RecheckScheduleEntity?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.PartnerRechecks, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<RecheckScheduleEntity>(Partitions.Spread(tenantId, userId), userId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task RemoveAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.PartnerRechecks, cancellationToken);
        await table.DeleteEntityAsync(Partitions.Spread(tenantId, userId), userId, ETag.All, cancellationToken); // 404 is not an error here
    }

    public async Task<IReadOnlyList<RecheckScheduleEntity>> DueAsync(string tenantId, DateTimeOffset now, int limit,
        CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.PartnerRechecks, cancellationToken);
        var each = (limit + Partitions.Buckets - 1) / Partitions.Buckets;
        var parts = await Task.WhenAll(Partitions.All(tenantId).Select(async partition =>
        {
            var filter = TableClient.CreateQueryFilter<RecheckScheduleEntity>(e => e.PartitionKey == partition && e.DueAt <= now);
            var due = new List<RecheckScheduleEntity>();
            await foreach (var entity in table.QueryAsync<RecheckScheduleEntity>(filter, maxPerPage: each, cancellationToken: cancellationToken))
            {
                due.Add(entity);
                if (due.Count >= each)
                {
                    break;
                }
            }

            return due;
        }));
        return parts.SelectMany(p => p).OrderBy(e => e.DueAt).Take(limit).ToList();
    }
}
