using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.Storage;

namespace Onboarding.Users;

public enum SearchField
{
    Institution,
    Country,
    Email,
}

/// <summary>The orders results can be shown in: the columns the index rows carry.</summary>
public enum SearchSort
{
    /// <summary>By institution, A to Z.</summary>
    Institution,

    /// <summary>By country code, A to Z.</summary>
    Country,

    /// <summary>By the day of the last sign-in, most recent first.</summary>
    Recent,
}

/// <summary>
/// A page of a search's results.
/// </summary>
/// <param name="Total">How many people the search finds; null when more than <see cref="UserSearch.SortLimit"/>.</param>
/// <param name="Sorted">Whether the page is in the order asked for; results of more than
/// <see cref="UserSearch.SortLimit"/> people are in the index's order (by institution or country, then id).</param>
/// <param name="First">The place of the page's first user in the results, from 1.</param>
public sealed record SearchPage(IReadOnlyList<UserRecord> Users, int? Total, bool Sorted, int First, string? Continuation);

/// <summary>
/// The staff's searches over a tenant's users by institution (the start of its domain) and by
/// country (exactly), through <see cref="SearchIndex"/>: counted and sorted from the index rows when
/// they are at most <see cref="SortLimit"/>, else paged in the index's order; then one point read per
/// user shown. The continuation is a key (never an offset): the last one shown, in the order shown.
/// </summary>
public sealed class UserSearch(TableClients tables, UserStore users)
{
    /// <summary>
    /// Results up to this size are always counted exactly and sorted as asked. Larger ones are too
    /// when the first page of each partition happened to hold them all (up to about twice this);
    /// beyond, the page says "more than" this and shows them in the index's order.
    /// </summary>
    public const int SortLimit = 2_000;

    public async Task<SearchPage> FindAsync(string tenantId, SearchField field, string value, SearchSort sort, string? continuation,
        int pageSize, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var from = Position.Parse(continuation);
        if (from.Mode != 'k')
        {
            var (all, whole) = await SearchIndex.ReadAsync(table, tenantId, field, value, null, SortLimit, cancellationToken);
            if (whole)
            {
                var ordered = all.Select(r => (Key: SortKey(sort, r.Institution, r.Country, r.Day, r.RowKey), Row: r))
                    .Where(r => from.Key is null || string.CompareOrdinal(r.Key, from.Key) > 0)
                    .OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
                var shown = ordered.Take(pageSize).ToList();
                var next = ordered.Count > pageSize ? new Position('s', from.First + pageSize, shown[^1].Key).ToString() : null;
                return new SearchPage(await RecordsAsync(tenantId, field, shown.Select(s => s.Row), cancellationToken), all.Count, true, from.First, next);
            }

            if (from.Mode == 's')
            {
                from = Position.Start; // the results grew past the limit between pages: from the start, in the index's order
            }

            if (all.Count > pageSize)
            {
                // More than the limit: the rows just read are the first ones in the index's order, the first page among them.
                var first = all.Take(pageSize).ToList();
                return new SearchPage(await RecordsAsync(tenantId, field, first, cancellationToken), null, false, 1,
                    new Position('k', 1 + first.Count, first[^1].RowKey).ToString());
            }
        }

        // A read cut where a partition left off may hold fewer than a page: read on after it until the page is full.
        var page = new List<IndexedUser>();
        var (after, more) = (from.Key, true);
        while (more && page.Count < pageSize)
        {
            var need = pageSize - page.Count;
            var (rows, complete) = await SearchIndex.ReadAsync(table, tenantId, field, value, after, need, cancellationToken);
            page.AddRange(rows.Take(need));
            more = rows.Count > need || !complete;
            after = page.Count > 0 ? page[^1].RowKey : after;
        }

        return new SearchPage(await RecordsAsync(tenantId, field, page, cancellationToken), null, false, from.First,
            more && page.Count > 0 ? new Position('k', from.First + page.Count, page[^1].RowKey).ToString() : null);
    }

    /// <summary>
    /// Every user a search finds, for an export, as storage gives them (memory stays flat whatever the
    /// number): each of the tenant's partitions read with the search as a filter, side by side, in no
    /// particular order (a spreadsheet sorts). It costs what a raw query of the same records does,
    /// whatever the share of the tenant they are; through the index, a large result would cost a point
    /// read each, many times that, and telling large from small first would cost a read of the index
    /// on top.
    /// </summary>
    public async IAsyncEnumerable<UserRecord> ExportAsync(string tenantId, SearchField field, string value,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        await foreach (var user in Scan(table, tenantId, field, value, cancellationToken))
        {
            yield return user;
        }
    }

    /// <summary>
    /// The records of the tenant the search finds, each partition read with it as a filter, side by
    /// side, through a bounded channel (at most a few pages held); the readers stop when the reading does.
    /// </summary>
    public static async IAsyncEnumerable<UserRecord> Scan(Azure.Data.Tables.TableClient table, string tenantId, SearchField field, string value,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = System.Threading.Channels.Channel.CreateBounded<UserRecord>(new System.Threading.Channels.BoundedChannelOptions(2_000)
        {
            SingleReader = true,
        });
        var end = value[..^1] + (char)(value[^1] + 1);
        var readers = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(Partitions.All(tenantId), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stop.Token },
                    async (partition, ct) =>
                    {
                        // Index and outbox rows start with '~' (index rows carry Institution and Country too): records only.
                        var filter = field == SearchField.Country
                            ? Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {"~"} and Country eq {value}")
                            : Azure.Data.Tables.TableClient.CreateQueryFilter(
                                $"PartitionKey eq {partition} and RowKey lt {"~"} and Institution ge {value} and Institution lt {end}");
                        await foreach (var user in table.QueryAsync<UserEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
                        {
                            await channel.Writer.WriteAsync(user.ToRecord(), ct);
                        }
                    });
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var user in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return user;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await readers;
        }
    }

    /// <summary>The key a user sorts by, then their row (unique): one ordinal string, so that a continuation is the last key shown.</summary>
    public static string SortKey(SearchSort sort, string? institution, string? country, string day, string tieBreak)
    {
        var primary = sort switch
        {
            SearchSort.Institution => institution ?? "\uffff",
            SearchSort.Country => country ?? "\uffff",
            _ => (99_999_999 - (int.TryParse(day.Replace("-", "", StringComparison.Ordinal), CultureInfo.InvariantCulture, out var d) ? d : 0))
                .ToString("D8", CultureInfo.InvariantCulture),
        };
        return primary + "\u0000" + tieBreak;
    }

    /// <summary>The records of the rows, in their order; the record decides, so a row a change left behind for a moment shows nobody.</summary>
    private async Task<IReadOnlyList<UserRecord>> RecordsAsync(string tenantId, SearchField field, IEnumerable<IndexedUser> rows,
        CancellationToken cancellationToken)
    {
        var list = rows.ToList();
        var records = await Task.WhenAll(list.Select(r => users.FindEntityAsync(tenantId, r.UserId, cancellationToken)));
        return records.Select((record, i) => (Record: record, Row: list[i]))
            .Where(p => p.Record is not null && (field == SearchField.Institution ? p.Record.Institution == p.Row.Institution : p.Record.Country == p.Row.Country))
            .Select(p => p.Record!.ToRecord()).ToList();
    }

    /// <summary>Where a page starts: the mode (<c>s</c> sorted, <c>k</c> the index's order), the place, and the key after which it starts.</summary>
    private sealed record Position(char Mode, int First, string? Key)
    {
        public static readonly Position Start = new('-', 1, null);

        public override string ToString() =>
            $"{Mode}{First.ToString(CultureInfo.InvariantCulture)}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(Key ?? ""))}";

        public static Position Parse(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return Start;
            }

            var dot = value.IndexOf('.', StringComparison.Ordinal);
            try
            {
                if (value[0] is 's' or 'k' && dot > 1 && int.TryParse(value.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                    && first >= 1)
                {
                    return new Position(value[0], first, Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(value[(dot + 1)..])));
                }
            }
            catch (FormatException)
            {
            }

            throw new OnboardingException(ApiError.ParameterInvalid, "The continuation is not one this search gave.");
        }
    }
}
