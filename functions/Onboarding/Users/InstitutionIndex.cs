using Azure.Data.Tables;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>
/// A row per user with an institution, in the user's own partition of the users table
/// (<c>~s|i|{institution}|{user id}</c>), so that support staff can find people by the start of
/// their institution's domain with a key-range read of each of the tenant's 16 partitions — never a
/// scan of users. Being in the record's partition, the row is written, moved and deleted in the same
/// entity-group transaction as the record itself: no crash leaves one without the other. The record
/// names the row it has (<see cref="UserEntity.IndexedInstitution"/>), so a record from before the
/// index gets its row at its next write, and no transaction deletes a row that is not there.
/// </summary>
public static class InstitutionIndex
{
    public const string Prefix = "~s|i|";

    public static string Row(string institution, string userId) => $"{Prefix}{institution}|{userId}";

    /// <summary>The actions that bring the index row in line with the record (none when it already is); sets the record's note.</summary>
    public static IEnumerable<TableTransactionAction> Follow(UserEntity entity)
    {
        if (entity.IndexedInstitution == entity.Institution)
        {
            yield break;
        }

        if (entity.IndexedInstitution is { } old)
        {
            yield return new TableTransactionAction(TableTransactionActionType.Delete,
                new TableEntity(entity.PartitionKey, Row(old, entity.RowKey)), Azure.ETag.All);
        }

        if (entity.Institution is { } now)
        {
            yield return new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(entity.PartitionKey, Row(now, entity.RowKey)));
        }

        entity.IndexedInstitution = entity.Institution;
    }

    /// <summary>The delete of the row the record has, for its erasure (nothing when it has none).</summary>
    public static IEnumerable<TableTransactionAction> Remove(UserEntity entity) => entity.IndexedInstitution is { } institution
        ? [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(entity.PartitionKey, Row(institution, entity.RowKey)), Azure.ETag.All)]
        : [];

    /// <summary>
    /// User ids whose institution starts with <paramref name="prefix"/>, in (institution, id) order, a
    /// page at a time: each partition's key range after the continuation, merged. The continuation is
    /// the last row key returned.
    /// </summary>
    public static async Task<(IReadOnlyList<(string Institution, string UserId)> Found, string? Continuation)> FindAsync(TableClient table,
        string tenantId, string prefix, string? after, int pageSize, CancellationToken cancellationToken)
    {
        var start = Prefix + prefix;
        var end = start[..^1] + (char)(start[^1] + 1);
        if (after is not null && (string.CompareOrdinal(after, start) < 0 || string.CompareOrdinal(after, end) >= 0))
        {
            after = null; // a continuation of another search starts this one afresh
        }

        var pages = await Task.WhenAll(Partitions.All(tenantId).Select(async partition =>
        {
            var filter = after is null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {start} and RowKey lt {end}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {end}");
            var keys = new List<string>();
            await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize + 1, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                keys.Add(row.RowKey);
                if (keys.Count > pageSize)
                {
                    break;
                }
            }

            return keys;
        }));
        var merged = pages.SelectMany(p => p).Order(StringComparer.Ordinal).ToList();
        var page = merged.Take(pageSize).ToList();
        var found = page.Select(key => key[Prefix.Length..]).Select(rest => (rest[..rest.LastIndexOf('|')], rest[(rest.LastIndexOf('|') + 1)..])).ToList();
        return (found, merged.Count > pageSize ? page[^1] : null);
    }
}
