using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Onboarding.Common;
using Onboarding.Storage;

namespace Onboarding.Staff;

/// <summary>
/// One staff action (partition = tenant and month, row = inverted time and a random suffix, so a
/// partition reads newest first). The actor is the staff member's user id, never a name or email.
/// </summary>
public sealed class AuditEntity : TableRow
{
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string ActorRoles { get; set; } = "";
    public string Action { get; set; } = "";
    public string? TargetUser { get; set; }

    /// <summary>What was asked, without personal values: e.g. "by email", "by country".</summary>
    public string? Detail { get; set; }
}

public sealed record AuditEntry(DateTimeOffset At, string Actor, string ActorRoles, string Action, string? TargetUser, string? Detail);

/// <summary>A page of the audit log.</summary>
/// <param name="SearchedBack">Set when the page stopped before it was full, to bound its reads (a rare filter over a long
/// window): the month it had searched back to; the continuation goes on from there.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, string? Continuation, DateTimeOffset? SearchedBack = null);

/// <summary>Which entries to read: any of these staff members, any of these users, this action (null: any).</summary>
public sealed record AuditMatch(IReadOnlyCollection<string>? Actors = null, IReadOnlyCollection<string>? TargetUsers = null, string? Action = null)
{
    public static readonly AuditMatch All = new();

    /// <summary>A match that no entry meets (a filter naming someone the log cannot know).</summary>
    public bool MatchesNothing => Actors is { Count: 0 } || TargetUsers is { Count: 0 };

    /// <summary>The extra clauses of the query, escaped by the SDK's formatter.</summary>
    public string Filter()
    {
        var clauses = new List<string>();
        if (Actors is { Count: > 0 })
        {
            clauses.Add("(" + string.Join(" or ", Actors.Select(a => TableClient.CreateQueryFilter($"Actor eq {a}"))) + ")");
        }

        if (TargetUsers is { Count: > 0 })
        {
            clauses.Add("(" + string.Join(" or ", TargetUsers.Select(u => TableClient.CreateQueryFilter($"TargetUser eq {u}"))) + ")");
        }

        if (Action is not null)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Action eq {Action}"));
        }

        return string.Concat(clauses.Select(c => " and " + c));
    }
}

public sealed class AuditTrail(TableClients tables, TimeProvider time)
{
    public static string Partition(string tenantId, DateTimeOffset at) =>
        $"{tenantId}_{at.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture)}";

    public async Task WriteAsync(StaffMember actor, string action, string? targetUser, string? detail, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Audit, cancellationToken);
        var now = time.GetUtcNow();
        // An upsert: the key is random, so a retry after a lost answer writes the same entry again, not a conflict.
        await table.UpsertEntityAsync(new AuditEntity
        {
            PartitionKey = Partition(actor.Tenant.Id, now),
            RowKey = $"{RowKeyOf(now)}_{Secrets.Random(6)}",
            At = now,
            Actor = actor.ActorId,
            ActorRoles = string.Join(',', actor.Roles.Order()),
            Action = action,
            TargetUser = targetUser,
            Detail = detail,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>At most this many storage requests make one page: a filter that few entries meet stops there and says how far back it searched.</summary>
    public const int MaxRequestsPerPage = 20;

    /// <summary>
    /// Entries from <paramref name="from"/> to <paramref name="to"/>, newest first, a page at a time:
    /// in each month's partition the key range of the window (the row key is the inverted time), with
    /// the filters as a storage filter. A page reads at most <paramref name="maxRequests"/> pages of
    /// storage, so no page costs a scan of the window; the continuation names the month and the
    /// storage continuation within it, and goes as far as there are entries.
    /// </summary>
    public async Task<AuditPage> ReadAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, string? continuation,
        int pageSize, CancellationToken cancellationToken, AuditMatch? match = null, int maxRequests = MaxRequestsPerPage)
    {
        match ??= AuditMatch.All;
        if (match.MatchesNothing)
        {
            return new AuditPage([], null);
        }

        var table = await tables.GetAsync(Table.Audit, cancellationToken);
        var (month, token) = ParseContinuation(continuation) ?? (MonthOf(to), null);
        var entries = new List<AuditEntry>();
        var requests = 0;
        for (; month >= MonthOf(from); month = month.AddMonths(-1), token = null)
        {
            var filter = WindowFilter(tenantId, month, from, to) + match.Filter();
            await foreach (var page in table.QueryAsync<AuditEntity>(filter, maxPerPage: pageSize - entries.Count, cancellationToken: cancellationToken)
                .AsPages(token, pageSize - entries.Count))
            {
                requests++;
                entries.AddRange(page.Values.Select(e => new AuditEntry(e.At, e.Actor, e.ActorRoles, e.Action, e.TargetUser, e.Detail)));
                if (entries.Count < pageSize && requests < maxRequests)
                {
                    continue;
                }

                var searchedBack = entries.Count < pageSize ? month : (DateTimeOffset?)null;
                if (page.ContinuationToken is { } next)
                {
                    return new AuditPage(entries, $"{month:yyyyMM}|{next}", searchedBack);
                }

                var older = month.AddMonths(-1);
                return older >= MonthOf(from) ? new AuditPage(entries, $"{older:yyyyMM}|", searchedBack) : new AuditPage(entries, null);
            }
        }

        return new AuditPage(entries, null);
    }

    /// <summary>The entries of a month's partition from <paramref name="from"/> to <paramref name="to"/>: a key range, as the row key is the inverted time.</summary>
    public static string WindowFilter(string tenantId, DateTimeOffset month, DateTimeOffset from, DateTimeOffset to) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenantId, month)} and RowKey ge {RowKeyOf(to)} and RowKey lt {RowKeyOf(from.AddTicks(-1))}");

    /// <summary>The first month of <paramref name="at"/>, the key of its partition.</summary>
    public static DateTimeOffset MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The row key prefix of an entry written at <paramref name="at"/>: the inverted time, so that a partition reads newest first.</summary>
    public static string RowKeyOf(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Deletes entries older than the cutoff: only the partitions of months up to the cutoff's are read.</summary>
    public async Task<int> PurgeAsync(string tenantId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Audit, cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {tenantId + "_"} and PartitionKey le {Partition(tenantId, cutoff)} and At lt {cutoff}");
        var old = new List<AuditEntity>();
        await foreach (var entry in table.QueryAsync<AuditEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            old.Add(entry);
        }

        foreach (var batch in old.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100)))
        {
            await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)),
                cancellationToken);
        }

        return old.Count;
    }

    private static (DateTimeOffset Month, string? Token)? ParseContinuation(string? value)
    {
        var bar = value?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        return bar == 6 && DateTimeOffset.TryParseExact(value![..6], "yyyyMM", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var month)
            ? (new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero), value[7..] is { Length: > 0 } t ? t : null)
            : null;
    }
}
