using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Onboarding.Storage;

namespace Onboarding.Privacy;

/// <summary>
/// When each personal item is due to go, partitioned by day (partition = tenant and UTC day of
/// expiry, spread over 16 buckets by key: a day's sign-ins all write that day's entries; row = kind
/// and key). The purge reads only the partitions of days that have come: a range of keys, never a
/// scan of all users.
/// </summary>
public sealed class ExpiryEntity : TableRow
{
    /// <summary>
    /// The user's email index key (an HMAC, not the address), so the purge can clear the email row
    /// even when a crash left the row without its user record.
    /// </summary>
    public string? EmailKey { get; set; }

    /// <summary>The user's subject-alias key, for the same reason.</summary>
    public string? AliasKey { get; set; }

    /// <summary>
    /// When the user first signed in (its month locates their cohort's uptake markers), for the same
    /// reason: an erasure that stopped after the record went is finished from this entry alone.
    /// </summary>
    public DateTimeOffset? FirstSignInAt { get; set; }

    /// <summary>On an erasure's journal entry: when the record was due to expire, so its own entry goes too.</summary>
    public DateTimeOffset? RecordExpiresAt { get; set; }

    /// <summary>
    /// Email keys (space-separated) the entry named before it was written again in place — a change
    /// on the entry's own day, or an attempt a crash stopped before its record: their rows are cleared
    /// just after the record's write, and if a crash stops that, by whoever retires this entry
    /// (<see cref="StaleKeys"/>). Carried over at every rewrite, so no key is ever left unnamed.
    /// </summary>
    public string? StaleEmailKeys { get; set; }

    /// <summary>Alias keys the entry named before it was written again in place, for the same reason.</summary>
    public string? StaleAliasKeys { get; set; }

    /// <summary>The life of the record the entry was written for (<see cref="Users.UserEntity.Life"/>): its uptake markers are that life's.</summary>
    public string? Life { get; set; }

    public UserTraces TracesOf() => new(EmailKey, AliasKey, FirstSignInAt, Life)
    {
        RecordExpiresAt = RecordExpiresAt,
        StaleEmailKeys = Split(StaleEmailKeys),
        StaleAliasKeys = Split(StaleAliasKeys),
    };

    private static string[] Split(string? keys) => keys?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>Every email key the entry names (current and stale).</summary>
    public IEnumerable<string> EmailKeys() => Split(StaleEmailKeys).Prepend(EmailKey).OfType<string>();

    /// <summary>Every alias key the entry names (current and stale).</summary>
    public IEnumerable<string> AliasKeys() => Split(StaleAliasKeys).Prepend(AliasKey).OfType<string>();
}

/// <summary>
/// What a user's record leads to, named in their expiry entry so that it can be cleared without the
/// record: the email row and alias (by key, not the address or sub), and where their uptake markers
/// are (the first sign-in's month and the record's life).
/// </summary>
public sealed record UserTraces(string? EmailKey, string? AliasKey, DateTimeOffset? FirstSignInAt, string? Life)
{
    /// <summary>On an erasure's journal entry: when the record was due to expire, so its own entry goes too.</summary>
    public DateTimeOffset? RecordExpiresAt { get; init; }

    /// <summary>See <see cref="ExpiryEntity.StaleEmailKeys"/>.</summary>
    public IReadOnlyList<string> StaleEmailKeys { get; init; } = [];

    /// <summary>See <see cref="ExpiryEntity.StaleAliasKeys"/>.</summary>
    public IReadOnlyList<string> StaleAliasKeys { get; init; } = [];
}

public static class ExpiryKinds
{
    public const string User = "user";
}

public sealed class ExpiryIndex(TableClients tables)
{
    public static string Partition(string tenantId, DateTimeOffset expiresAt, string key) =>
        Partitions.Spread(Day(tenantId, expiresAt), key);

    private static string Day(string tenantId, DateTimeOffset at) => $"{tenantId}_{at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    /// <summary>The UTC day a partition is for.</summary>
    public static DateTimeOffset DayOf(string partition)
    {
        var day = Partitions.PrefixOf(partition);
        return DateTimeOffset.ParseExact(day[(day.LastIndexOf('_') + 1)..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    public static string Row(string kind, string key) => $"{kind}_{key}";

    /// <summary>The key part of a row (after the kind).</summary>
    public static string KeyOf(ExpiryEntity entity) => entity.RowKey[(entity.RowKey.IndexOf('_', StringComparison.Ordinal) + 1)..];

    /// <summary>The user's entry for the day their data expires, naming what it leads to; a repeat writes the same.</summary>
    public async Task AddAsync(string tenantId, string userId, DateTimeOffset expiresAt, UserTraces traces, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Expiries, cancellationToken);
        await table.UpsertEntityAsync(new ExpiryEntity
        {
            PartitionKey = Partition(tenantId, expiresAt, userId),
            RowKey = Row(ExpiryKinds.User, userId),
            EmailKey = traces.EmailKey,
            AliasKey = traces.AliasKey,
            FirstSignInAt = traces.FirstSignInAt,
            Life = traces.Life,
            RecordExpiresAt = traces.RecordExpiresAt,
            StaleEmailKeys = traces.StaleEmailKeys.Count == 0 ? null : string.Join(' ', traces.StaleEmailKeys),
            StaleAliasKeys = traces.StaleAliasKeys.Count == 0 ? null : string.Join(' ', traces.StaleAliasKeys),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<ExpiryEntity?> FindAsync(string tenantId, string kind, string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Expiries, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<ExpiryEntity>(Partition(tenantId, expiresAt, key), Row(kind, key), cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task RemoveAsync(string tenantId, string kind, string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Expiries, cancellationToken);
        await table.DeleteEntityAsync(Partition(tenantId, expiresAt, key), Row(kind, key), ETag.All, cancellationToken);
    }

    /// <summary>Entries of days up to and including today's, oldest day first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<ExpiryEntity>> DueAsync(string tenantId, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Expiries, cancellationToken);
        var from = $"{tenantId}_";
        var to = Partitions.All(Day(tenantId, now)).Last();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey le {to}");
        var due = new List<ExpiryEntity>();
        await foreach (var entity in table.QueryAsync<ExpiryEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken))
        {
            due.Add(entity);
            if (due.Count >= limit)
            {
                break;
            }
        }

        return due;
    }

    /// <summary>Deletes entries in entity-group transactions: one partition, at most 100 per batch.</summary>
    public async Task DeleteAsync(IEnumerable<ExpiryEntity> entries, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Expiries, cancellationToken);
        await TableBatches.DeleteAsync(table, entries, cancellationToken);
    }
}
