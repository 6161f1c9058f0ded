using Azure.Data.Tables;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>A user's row in <see cref="SearchIndex"/>: the key, and the values results sort by.</summary>
/// <param name="Day">The day of the last sign-in, <c>yyyy-MM-dd</c> (UTC).</param>
public sealed record IndexedUser(string RowKey, string UserId, string? Institution, string? Country, string Day);

/// <summary>
/// Rows per user for the staff's searches, in the user's own partition of the users table: one by
/// institution (<c>~s|i|{institution}|{user id}</c>) and one by country (<c>~s|c|{country}|{user id}</c>),
/// so that support staff find people by the start of their institution's domain, or by country, with a
/// key-range read of each of the tenant's 16 partitions — never a scan of users. Each row carries the
/// values results sort by (institution, country, the day of the last sign-in), so a result of up to
/// <see cref="UserSearch.SortLimit"/> people is counted and sorted from the index rows alone.
/// Being in the record's partition, the rows are written, moved and deleted in the same entity-group
/// transaction as the record itself: no crash leaves one without the other. The record notes what its
/// rows hold (<see cref="UserEntity.IndexedInstitution"/>, <see cref="UserEntity.IndexedCountry"/>,
/// <see cref="UserEntity.IndexedDay"/>), so a write changes them only when one of those changed (the
/// day at most once a day), no transaction deletes a row that is not there, and a record from before
/// the index is found by <see cref="SearchIndexBackfill"/>.
/// </summary>
public static class SearchIndex
{
    public const string Prefix = "~s|";

    /// <summary>The first key after every index row, for key ranges.</summary>
    public const string End = "~s}";

    public static string Row(SearchField field, string value, string userId) => $"{KeyPrefix(field)}{value}|{userId}";

    public static string KeyPrefix(SearchField field) => field switch
    {
        SearchField.Institution => Prefix + "i|",
        SearchField.Country => Prefix + "c|",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "only institution and country are indexed"),
    };

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the record's rows are what it now needs (nothing to write).</summary>
    public static bool IsCurrent(UserEntity entity) =>
        entity.IndexedInstitution == entity.Institution && entity.IndexedCountry == entity.Country && entity.IndexedDay == Day(entity.LastSignInAt);

    /// <summary>The actions that bring the index rows in line with the record (none when they already are); sets the record's notes.</summary>
    public static List<TableTransactionAction> Follow(UserEntity entity)
    {
        var actions = new List<TableTransactionAction>();
        if (IsCurrent(entity))
        {
            return actions;
        }

        var day = Day(entity.LastSignInAt);
        foreach (var (field, had, now) in new[]
                 {
                     (SearchField.Institution, entity.IndexedInstitution, entity.Institution),
                     (SearchField.Country, entity.IndexedCountry, entity.Country),
                 })
        {
            // A record from before the country index notes no country (and no day): it has no country row to delete.
            if (had is not null && had != now && (field == SearchField.Institution || entity.IndexedDay is not null))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete,
                    new TableEntity(entity.PartitionKey, Row(field, had, entity.RowKey)), Azure.ETag.All));
            }

            if (now is not null)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(entity.PartitionKey, Row(field, now, entity.RowKey))
                {
                    [nameof(IndexedUser.Institution)] = entity.Institution,
                    [nameof(IndexedUser.Country)] = entity.Country,
                    [nameof(IndexedUser.Day)] = day,
                }));
            }
        }

        (entity.IndexedInstitution, entity.IndexedCountry, entity.IndexedDay) = (entity.Institution, entity.Country, day);
        return actions;
    }

    /// <summary>The deletes of the rows the record has, for its erasure (none when it has none).</summary>
    public static IEnumerable<TableTransactionAction> Remove(UserEntity entity)
    {
        if (entity.IndexedInstitution is { } institution)
        {
            yield return new TableTransactionAction(TableTransactionActionType.Delete,
                new TableEntity(entity.PartitionKey, Row(SearchField.Institution, institution, entity.RowKey)), Azure.ETag.All);
        }

        if (entity.IndexedCountry is { } country && entity.IndexedDay is not null)
        {
            yield return new TableTransactionAction(TableTransactionActionType.Delete,
                new TableEntity(entity.PartitionKey, Row(SearchField.Country, country, entity.RowKey)), Azure.ETag.All);
        }
    }

    /// <summary>The key range of a search: an institution by the start of its domain, a country exactly.</summary>
    public static (string Start, string End) Range(SearchField field, string value)
    {
        var start = KeyPrefix(field) + value + (field == SearchField.Country ? "|" : "");
        return (start, start[..^1] + (char)(start[^1] + 1));
    }

    /// <summary>
    /// The index rows of a search after <paramref name="after"/> (a row key; null: from the start), in
    /// key order: each partition's key range read in parallel, a page at a time, until the partitions
    /// together hold more than <paramref name="limit"/> rows; then merged, and cut where the first
    /// partition left off, so the rows are exactly the first ones in key order. <c>Complete</c>: these
    /// are all the rows there are after <paramref name="after"/>.
    /// </summary>
    public static async Task<(IReadOnlyList<IndexedUser> Rows, bool Complete)> ReadAsync(TableClient table, string tenantId, SearchField field,
        string value, string? after, int limit, CancellationToken cancellationToken)
    {
        var (start, end) = Range(field, value);
        if (after is not null && (string.CompareOrdinal(after, start) < 0 || string.CompareOrdinal(after, end) >= 0))
        {
            after = null; // a continuation of another search starts this one afresh
        }

        var read = 0;
        var partitions = Partitions.All(tenantId).ToList();
        // Partitions are filled evenly (by a hash of the id): a page of a sixteenth each, and a little more, usually does.
        var perPage = Math.Clamp((limit / partitions.Count) + 20, 20, 1000);
        var reads = await Task.WhenAll(partitions.Select(async partition =>
        {
            var filter = after is null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {start} and RowKey lt {end}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after} and RowKey lt {end}");
            var rows = new List<IndexedUser>();
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: perPage,
                               select: ["RowKey", nameof(IndexedUser.Institution), nameof(IndexedUser.Country), nameof(IndexedUser.Day)],
                               cancellationToken: cancellationToken).AsPages(pageSizeHint: perPage))
            {
                rows.AddRange(page.Values.Select(ToIndexed));
                var total = Interlocked.Add(ref read, page.Values.Count);
                if (page.ContinuationToken is not null && page.Values.Count > 0 && total > limit)
                {
                    return (Rows: rows, LeftOffAt: rows.Count > 0 ? rows[^1].RowKey : after ?? start);
                }
            }

            return (Rows: rows, LeftOffAt: (string?)null);
        }));
        var cut = reads.Where(r => r.LeftOffAt is not null).Select(r => r.LeftOffAt!).Min(StringComparer.Ordinal);
        var merged = reads.SelectMany(r => r.Rows).Where(r => cut is null || string.CompareOrdinal(r.RowKey, cut) <= 0)
            .OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();
        return (merged, cut is null);
    }

    private static IndexedUser ToIndexed(TableEntity row)
    {
        var rest = row.RowKey[(Prefix.Length + 2)..];
        return new IndexedUser(row.RowKey, rest[(rest.LastIndexOf('|') + 1)..], row.GetString(nameof(IndexedUser.Institution)),
            row.GetString(nameof(IndexedUser.Country)), row.GetString(nameof(IndexedUser.Day)) ?? "");
    }
}
