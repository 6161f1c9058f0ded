using Azure.Data.Tables;

namespace Onboarding.Storage;

/// <summary>
/// Work to do after a write, stored in the same entity-group transaction as the write itself (same
/// table, same partition): either both are there or neither. A drain reads the partition's outbox
/// rows (one key range), does the work idempotently, and deletes them. Row keys start with
/// <see cref="Prefix"/>, which no user key may start with (see <c>ProfileMapper</c>).
/// </summary>
public sealed class OutboxEntity : TableRow
{
    /// <summary>The row key of the entity whose write this came with (a user id).</summary>
    public string Owner { get; set; } = "";

    public string Payload { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

public static class Outbox
{
    public const string Prefix = "~o|";

    public static OutboxEntity Row(string partition, string owner, string payload, DateTimeOffset now) => new()
    {
        PartitionKey = partition,
        RowKey = Prefix + Guid.NewGuid().ToString("N"),
        Owner = owner,
        Payload = payload,
        CreatedAt = now,
    };

    /// <summary>A row's id: unique, and the same however often the row is read.</summary>
    public static string IdOf(OutboxEntity row) => row.RowKey[Prefix.Length..];

    /// <summary>The outbox rows of one partition: a key range, not a scan.</summary>
    public static string Filter(string partition) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {Prefix} and RowKey lt {"~o}"}");

    public static async Task<List<OutboxEntity>> ReadAsync(TableClient table, string partition, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<OutboxEntity>();
        await foreach (var row in table.QueryAsync<OutboxEntity>(Filter(partition), maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (rows.Count >= limit)
            {
                break;
            }
        }

        return rows;
    }
}
