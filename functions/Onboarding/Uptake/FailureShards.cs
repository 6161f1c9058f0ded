using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Onboarding.Storage;

namespace Onboarding.Uptake;

/// <summary>
/// <c>f|{instance}</c> in a counter partition (a tenant and month): the failed sign-ins one instance
/// (one process: its id is new at every start) tallied in that month. Each instance writes only its
/// own rows, so a flood on many instances has no hot row; the drain counts them
/// (<see cref="FailedSignInCounting"/>).
/// </summary>
public sealed class FailureShardEntity : TableRow
{
    /// <summary>JSON code → count: everything the instance tallied in the month (absolute; only that instance writes it).</summary>
    public string Tally { get; set; } = "";

    /// <summary>JSON code → count: how much of <see cref="Tally"/> the drain added to the summaries (only the drain writes it, in their transaction).</summary>
    public string Counted { get; set; } = "";

    /// <summary>Set by each flush, cleared by the drain that counted it: the drain reads only pending shards.</summary>
    public bool Pending { get; set; }

    /// <summary>When the instance last wrote the row (its clock): a counted shard goes only when long over and idle.</summary>
    public DateTimeOffset? FlushedAt { get; set; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Dictionary<string, long> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? new(StringComparer.Ordinal)
            : new(JsonSerializer.Deserialize<Dictionary<string, long>>(json, Json) ?? [], StringComparer.Ordinal);

    public static string Write(IReadOnlyDictionary<string, long> counts) => JsonSerializer.Serialize(counts, Json);

    /// <summary>What of the tally is not counted yet, by code (nothing below zero).</summary>
    public static Dictionary<string, long> Uncounted(IReadOnlyDictionary<string, long> tally, IReadOnlyDictionary<string, long> counted) =>
        tally.Select(t => (t.Key, By: t.Value - counted.GetValueOrDefault(t.Key))).Where(t => t.By > 0)
            .ToDictionary(t => t.Key, t => t.By, StringComparer.Ordinal);
}

/// <summary>What one flush does: the tenant-months to write, and those to forget (with what of them was never written).</summary>
public sealed record FlushPlan(IReadOnlyList<MonthFailures> Write, IReadOnlyList<(MonthFailures Month, long Unwritten)> Forget);

/// <summary>
/// What this instance knows of its shard row of a tenant-month once it has tried to write it: what its
/// last successful write stored (null: none yet), and since when the row has been written at the
/// latest (that write's time, or for a row never written successfully the first try's, which may have landed).
/// </summary>
public sealed record ShardState(IReadOnlyDictionary<string, long>? Written, DateTimeOffset WrittenSince);

/// <summary>
/// Makes this instance's in-memory tally (<see cref="SignInFailures"/>) durable: each flush writes
/// every tenant-month whose counts changed since its last write to the instance's own shard row, one
/// upsert (merge) of the absolute counts, no read and no ETag. Nothing changed, nothing written: an
/// idle instance writes nothing, and a flood writes at most one row per tenant-month per flush. The
/// write is idempotent (a retry after a lost answer writes the same counts), and the drain owns the
/// other half of the row (<see cref="FailureShardEntity.Counted"/>), so no update is lost.
/// Flushed on a timer (<see cref="UptakeOptions.FailureFlushInterval"/>), at the host's stop, and by
/// the drain before it counts. A crash loses what was tallied after the last flush that wrote.
/// </summary>
public sealed partial class FailureShards(TableClients tables, SignInFailures failures, TimeProvider time, ILogger<FailureShards> logger) : IDisposable
{
    public const string RowPrefix = "f|";

    /// <summary>
    /// A shard the drain may have deleted is never written again (its absolute counts would count
    /// twice). The drain deletes a shard only when its month ended two days ago, it is counted, and
    /// it was last written an hour ago (<see cref="FailedSignInCounting"/>). So an instance writes a
    /// row freely until a day after its month's end, and later only a row it never tried to write
    /// (a tally counted on a clock that jumped, or a first flush that failed) or last wrote less
    /// than half an hour ago; else it gives up what is unwritten (logged: storage failed for a day).
    /// </summary>
    public static readonly TimeSpan WrittenUntilAfterMonth = TimeSpan.FromDays(1);

    /// <summary>See <see cref="WrittenUntilAfterMonth"/>.</summary>
    public static readonly TimeSpan RewrittenWithin = TimeSpan.FromMinutes(30);

    /// <summary>This process's id: new at each start, as its counts start again from zero.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Per tenant-month tried, what the last successful write stored (touched only under <see cref="_flushing"/>).</summary>
    private readonly Dictionary<(string TenantId, DateOnly Month), ShardState> _shards = [];

    public static string Row(string instanceId) => RowPrefix + instanceId;

    public static DateTimeOffset EndOf(DateOnly month) => new(month.AddMonths(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Which tenant-months a flush writes (changed since their last write) and forgets (a day past the month, written or given up).</summary>
    public static FlushPlan Plan(IReadOnlyList<MonthFailures> tallied,
        IReadOnlyDictionary<(string TenantId, DateOnly Month), ShardState> shards, DateTimeOffset now)
    {
        var write = new List<MonthFailures>();
        var forget = new List<(MonthFailures, long)>();
        foreach (var month in tallied)
        {
            var shard = shards.GetValueOrDefault((month.TenantId, month.Month));
            var over = now >= EndOf(month.Month) + WrittenUntilAfterMonth;
            if (shard?.Written is { } written && month.ByCode.All(c => written.GetValueOrDefault(c.Key) == c.Value))
            {
                if (over)
                {
                    forget.Add((month, 0));
                }
            }
            else if (!over || shard is null || now - shard.WrittenSince < RewrittenWithin)
            {
                write.Add(month);
            }
            else
            {
                forget.Add((month, month.Total - (shard.Written?.Values.Sum() ?? 0)));
            }
        }

        return new FlushPlan(write, forget);
    }

    /// <summary>Writes what changed; returns the rows written. Never throws for storage: what failed stays for the next flush.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var plan = Plan(failures.Snapshot(), _shards, now);
            foreach (var (month, unwritten) in plan.Forget)
            {
                failures.Forget(month.TenantId, month.Month);
                _shards.Remove((month.TenantId, month.Month));
                if (unwritten > 0)
                {
                    LogGivenUp(month.TenantId, unwritten);
                }
            }

            if (plan.Write.Count == 0)
            {
                return 0;
            }

            var table = await tables.GetAsync(Table.Uptake, cancellationToken);
            var written = await Task.WhenAll(plan.Write.Select(m => WriteAsync(table, m, now, cancellationToken)));
            foreach (var (month, i) in plan.Write.Select((m, i) => (m, i)))
            {
                var key = (month.TenantId, month.Month);
                _shards[key] = written[i] ? new ShardState(month.ByCode, now) : _shards.GetValueOrDefault(key) ?? new ShardState(null, now);
            }

            return written.Count(w => w);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFlushFailed(e.GetType().Name);
            return 0;
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task<bool> WriteAsync(TableClient table, MonthFailures month, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(UptakeKeys.Partition(month.TenantId, month.Month.Year, month.Month.Month), Row(InstanceId))
        {
            [nameof(FailureShardEntity.Tally)] = FailureShardEntity.Write(month.ByCode),
            [nameof(FailureShardEntity.Pending)] = true,
            [nameof(FailureShardEntity.FlushedAt)] = now,
        };
        try
        {
            await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWriteFailed(month.TenantId, e.GetType().Name);
            return false;
        }
    }

    public void Dispose() => _flushing.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-ins of tenant {Tenant} not flushed ({Error}); the next flush writes them")]
    private partial void LogWriteFailed(string tenant, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-ins could not be flushed ({Error}); the next flush writes them")]
    private partial void LogFlushFailed(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed sign-ins of tenant {Tenant}: {Count} of a month over were not flushed in time and are given up")]
    private partial void LogGivenUp(string tenant, long count);
}
