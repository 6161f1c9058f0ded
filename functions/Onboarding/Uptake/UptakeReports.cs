using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using Onboarding.Storage;
using Onboarding.Tenants;

namespace Onboarding.Uptake;

/// <summary>
/// Reads uptake reports from the summary rows (<see cref="UptakeSummaries"/>): per month one point
/// read for the totals and one for the breakdown, whatever the number of users or values, the months
/// in parallel. Sign-ups, active users and sign-ins belong to the month they happened in; the funnel
/// belongs to the month of sign-up (the cohort). A summary read is kept for <see cref="CacheFor"/>
/// (or until this instance's drain counts into its month), so the dashboard's reports and repeated
/// views read each one once.
/// </summary>
/// <remarks>
/// The dashboard's top lists of its default view (the twelve months up to this one) are also kept as
/// one small row per dimension (<c>t|{dimension}</c> in the last month's partition): a 12-month sum
/// over 2,000 institutions is 24,000 values to read and add for ten lines. The drain rebuilds them
/// after every run that counted into the tenant, and every <see cref="TopRebuildEvery"/> regardless (a
/// new month, a crash between the counting and the rebuild); a kept list older than
/// <see cref="TopFreshFor"/>, or of another window, is not used and the months are summed instead, so
/// a stopped timer makes the dashboard slower, never wrong.
/// </remarks>
public sealed class UptakeReports(TableClients tables, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>How many values a kept top list holds (the dashboard shows ten).</summary>
    public const int TopKept = 25;

    public static readonly TimeSpan TopRebuildEvery = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan TopFreshFor = TimeSpan.FromMinutes(5);

    /// <summary>The dimensions whose top lists are kept: those the dashboard shows.</summary>
    public static readonly string[] KeptTopDimensions = [Dimensions.Country, Dimensions.Institution];

    private const int MaxCached = 10_000;

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<(string Partition, string Dimension), (DateTimeOffset ReadAt, Task<Dictionary<string, ValueCounts>> Values)> _cache = new();
    private readonly ConcurrentDictionary<(string Partition, string Dimension), (DateTimeOffset ReadAt, Task<KeptTop?> Top)> _tops = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _topsBuiltAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _countedSinceBuilt = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<MonthUptake>> ReadAsync(Tenant tenant, ReportQuery query, CancellationToken cancellationToken)
    {
        var months = query.Months().ToList();
        var partitions = months.Select(m => UptakeKeys.Partition(tenant.Id, m.Year, m.Month)).ToList();
        var totals = Task.WhenAll(partitions.Select(p => SummaryAsync(p, Dimensions.Total)));
        var breakdowns = query.By is { } by ? Task.WhenAll(partitions.Select(p => SummaryAsync(p, by))) : null;
        var total = await totals.WaitAsync(cancellationToken);
        var breakdown = breakdowns is null ? null : await breakdowns.WaitAsync(cancellationToken);
        return months.Select((month, i) => new MonthUptake(tenant.Id, month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            total[i].TryGetValue("", out var t) ? Counts(t) : Counts(new ValueCounts()),
            breakdown is null
                ? []
                : breakdown[i].Select(v => new BreakdownCounts(v.Key, Counts(v.Value)))
                    .OrderByDescending(b => b.Counts.ActiveUsers).ThenByDescending(b => b.Counts.SignUps).ThenBy(b => b.Value, StringComparer.Ordinal)
                    .ToList())).ToList();
    }

    /// <summary>Forgets what was read of these months (the drain just counted into them).</summary>
    public void Invalidate(IEnumerable<string> partitions)
    {
        var gone = partitions.ToHashSet(StringComparer.Ordinal);
        foreach (var key in _cache.Keys.Where(k => gone.Contains(k.Partition)))
        {
            _cache.TryRemove(key, out _);
        }

        foreach (var key in _tops.Keys.Where(k => gone.Contains(k.Partition)))
        {
            _tops.TryRemove(key, out _);
        }

        foreach (var partition in gone)
        {
            _countedSinceBuilt[partition[..partition.LastIndexOf('_')]] = true;
        }
    }

    /// <summary>
    /// The values of a dimension with the most sign-ups over the query's months, at most
    /// <paramref name="count"/>: the months are summed per value (one dictionary add per value and
    /// month) before anything is sorted, and only what a top list shows is built. Ordered by what is
    /// shown: counts below the tenant's suppression threshold sort as zero (then by name), or the
    /// order would give the hidden counts away.
    /// </summary>
    public async Task<IReadOnlyList<TopValue>> TopAsync(Tenant tenant, ReportQuery query, string dimension, int count,
        CancellationToken cancellationToken)
    {
        if (count <= TopKept && query == DefaultWindow() && await KeptTopAsync(tenant, query, dimension).WaitAsync(cancellationToken) is { } kept)
        {
            return kept.Values.Take(count).ToList();
        }

        return await SumTopAsync(tenant, query, dimension, count, cancellationToken);
    }

    /// <summary>
    /// Rebuilds the tenant's kept top lists when this instance's drain counted into the tenant since
    /// the last build, or when that was more than <see cref="TopRebuildEvery"/> ago; returns whether it did.
    /// </summary>
    public async Task<bool> RefreshTopListsAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var counted = _countedSinceBuilt.TryRemove(tenant.Id, out _);
        if (!counted && _topsBuiltAt.TryGetValue(tenant.Id, out var built) && now - built < TopRebuildEvery)
        {
            return false;
        }

        try
        {
            var query = DefaultWindow();
            var partition = UptakeKeys.Partition(tenant.Id, query.To.Year, query.To.Month);
            var table = await tables.GetAsync(Table.Uptake, cancellationToken);
            await Task.WhenAll(KeptTopDimensions.Select(async dimension =>
            {
                // From storage, not this instance's cache: what the drain just counted, and no reader's cache filled.
                var top = new KeptTop(query.From, now, await SumTopAsync(tenant, query, dimension, TopKept, cancellationToken, cached: false));
                var entity = new TableEntity(partition, TopRow(dimension))
                {
                    ["From"] = query.From.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                    ["BuiltAt"] = now,
                    ["Top"] = System.Text.Json.JsonSerializer.Serialize(top.Values, Json),
                };
                await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
                _tops[(partition, dimension)] = (now, Task.FromResult<KeptTop?>(top));
            }));
            _topsBuiltAt[tenant.Id] = now;
            return true;
        }
        catch
        {
            if (counted)
            {
                _countedSinceBuilt[tenant.Id] = true; // the next run tries again
            }

            throw;
        }
    }

    private ReportQuery DefaultWindow() => ReportQuery.Parse(null, null, null, time.GetUtcNow());

    private static string TopRow(string dimension) => $"t|{dimension}";

    private sealed record KeptTop(DateOnly From, DateTimeOffset BuiltAt, IReadOnlyList<TopValue> Values);

    /// <summary>The kept top list of the default window, when it is of this window and fresh; else null.</summary>
    private async Task<KeptTop?> KeptTopAsync(Tenant tenant, ReportQuery query, string dimension)
    {
        var now = time.GetUtcNow();
        var key = (UptakeKeys.Partition(tenant.Id, query.To.Year, query.To.Month), dimension);
        if (!_tops.TryGetValue(key, out var cached) || now - cached.ReadAt >= CacheFor || cached.Top.IsFaulted || cached.Top.IsCanceled)
        {
            if (_tops.Count >= MaxCached)
            {
                _tops.Clear();
            }

            cached = (now, ReadKeptTopAsync(key.Item1, dimension));
            _tops[key] = cached;
        }

        return await cached.Top is { } top && top.From == query.From && now - top.BuiltAt < TopFreshFor ? top : null;
    }

    private async Task<KeptTop?> ReadKeptTopAsync(string partition, string dimension)
    {
        var table = await tables.GetAsync(Table.Uptake);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, TopRow(dimension));
        if (!found.HasValue || found.Value!.GetString("Top") is not { } json || found.Value.GetDateTimeOffset("BuiltAt") is not { } builtAt
            || !DateOnly.TryParseExact(found.Value.GetString("From") + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
        {
            return null;
        }

        return new KeptTop(from, builtAt, System.Text.Json.JsonSerializer.Deserialize<List<TopValue>>(json, Json) ?? []);
    }

    /// <summary>The top list summed from the months' summary rows.</summary>
    private async Task<IReadOnlyList<TopValue>> SumTopAsync(Tenant tenant, ReportQuery query, string dimension, int count,
        CancellationToken cancellationToken, bool cached = true)
    {
        var months = await Task.WhenAll(query.Months().Select(m => UptakeKeys.Partition(tenant.Id, m.Year, m.Month))
            .Select(p => cached ? SummaryAsync(p, dimension) : ReadSummaryAsync(p, dimension))).WaitAsync(cancellationToken);
        var sums = new Dictionary<string, (long SignUps, long Active, long Ready)>(StringComparer.Ordinal);
        foreach (var month in months)
        {
            foreach (var (value, counts) in month)
            {
                ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, value, out _);
                sum = (sum.SignUps + Get(counts, Metrics.SignUps), sum.Active + Get(counts, Metrics.ActiveUsers), sum.Ready + Get(counts, Metrics.Ready));
            }
        }

        var suppressBelow = tenant.ReportSuppressBelow;
        return sums.Select(s => new TopValue(s.Key, s.Value.SignUps, s.Value.Active, s.Value.Ready))
            .OrderByDescending(t => t.SignUps < suppressBelow ? 0 : t.SignUps).ThenBy(t => t.Value, StringComparer.Ordinal)
            .Take(count).ToList();
    }

    private Task<Dictionary<string, ValueCounts>> SummaryAsync(string partition, string dimension)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue((partition, dimension), out var cached) && now - cached.ReadAt < CacheFor
            && !cached.Values.IsFaulted && !cached.Values.IsCanceled)
        {
            return cached.Values;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        // Shared by the callers that arrive meanwhile, so it does not take one caller's cancellation.
        var values = ReadSummaryAsync(partition, dimension);
        _cache[(partition, dimension)] = (now, values);
        return values;
    }

    private async Task<Dictionary<string, ValueCounts>> ReadSummaryAsync(string partition, string dimension)
    {
        var table = await tables.GetAsync(Table.Uptake);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, UptakeSummaries.Row(dimension));
        return UptakeSummaries.Read(found.HasValue ? found.Value : null);
    }

    /// <summary>The metric names of the returning users, made once (a report by institution builds counts for tens of thousands of values).</summary>
    private static readonly (string One, string Three, string Six) ReturnedMetrics = (Metrics.Returned(1), Metrics.Returned(3), Metrics.Returned(6));

    private static UptakeCounts Counts(ValueCounts c) => new(
        Get(c, Metrics.SignUps), Get(c, Metrics.ActiveUsers), Get(c, Metrics.SignIns), Get(c, Metrics.SignUps),
        Get(c, Metrics.Member), Get(c, Metrics.PartnersLinked), Get(c, Metrics.Ready), Median(c.DaysToReady),
        Get(c, ReturnedMetrics.One), Get(c, ReturnedMetrics.Three), Get(c, ReturnedMetrics.Six), Get(c, Metrics.Failed));

    private static long Get(ValueCounts counts, string metric) => counts.Metrics.GetValueOrDefault(metric);

    /// <summary>The exact median of a days-to-ready histogram (days → people).</summary>
    public static double? Median(IReadOnlyDictionary<int, long> daysToReady)
    {
        if (daysToReady.Count == 0)
        {
            return null; // most values of a breakdown: nobody ready yet
        }

        var histogram = daysToReady.Where(d => d.Value > 0).Select(d => (Days: d.Key, d.Value)).OrderBy(h => h.Days).ToList();
        var n = histogram.Sum(h => h.Value);
        if (n == 0)
        {
            return null;
        }

        double At(long index)
        {
            foreach (var (days, count) in histogram)
            {
                if (index < count)
                {
                    return days;
                }

                index -= count;
            }

            throw new InvalidOperationException("unreachable");
        }

        return (At((n - 1) / 2) + At(n / 2)) / 2;
    }
}
