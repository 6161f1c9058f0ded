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

    private readonly ConcurrentDictionary<(string Partition, string Dimension), (DateTimeOffset ReadAt, Task<IReadOnlyList<BreakdownCounts>> Values)> _cache = new();
    private readonly ConcurrentDictionary<(string Partition, string Dimension), (DateTimeOffset ReadAt, Task<KeptTop?> Top)> _tops = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _topsBuiltAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _countedSinceBuilt = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<MonthUptake>> ReadAsync(Tenant tenant, ReportQuery query, CancellationToken cancellationToken)
    {
        var months = new List<MonthUptake>();
        await foreach (var month in StreamAsync(tenant, query, cancellationToken))
        {
            months.Add(month);
        }

        return months;
    }

    /// <summary>
    /// The months of <see cref="ReadAsync"/> in order, each as soon as its rows are in: every row is
    /// asked for at once, so a CSV writes the first months while the later ones are still being read.
    /// </summary>
    public async IAsyncEnumerable<MonthUptake> StreamAsync(Tenant tenant, ReportQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var months = query.Months().ToList();
        var partitions = months.Select(m => UptakeKeys.Partition(tenant.Id, m.Year, m.Month)).ToList();
        var totals = partitions.Select(p => SummaryAsync(p, Dimensions.Total)).ToList();
        var breakdowns = query.By is { } by ? partitions.Select(p => SummaryAsync(p, by)).ToList() : null;
        for (var i = 0; i < months.Count; i++)
        {
            var total = await totals[i].WaitAsync(cancellationToken);
            yield return new MonthUptake(tenant.Id, months[i].ToString("yyyy-MM", CultureInfo.InvariantCulture),
                total.FirstOrDefault(t => t.Value.Length == 0)?.Counts ?? NoCounts,
                breakdowns is null ? [] : await breakdowns[i].WaitAsync(cancellationToken));
        }
    }

    private static readonly UptakeCounts NoCounts = new(0, 0, 0, 0, 0, 0, 0, null);

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
                sum = (sum.SignUps + counts.SignUps, sum.Active + counts.ActiveUsers, sum.Ready + counts.Ready);
            }
        }

        var suppressBelow = tenant.ReportSuppressBelow;
        return sums.Select(s => new TopValue(s.Key, s.Value.SignUps, s.Value.Active, s.Value.Ready))
            .OrderByDescending(t => t.SignUps < suppressBelow ? 0 : t.SignUps).ThenBy(t => t.Value, StringComparer.Ordinal)
            .Take(count).ToList();
    }

    private Task<IReadOnlyList<BreakdownCounts>> SummaryAsync(string partition, string dimension)
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

    /// <summary>A month's values under a dimension, decoded straight into their counts and put in the report's order
    /// (most active users, then most sign-ups, then by name) once per read, not per report that uses them.</summary>
    private async Task<IReadOnlyList<BreakdownCounts>> ReadSummaryAsync(string partition, string dimension)
    {
        var table = await tables.GetAsync(Table.Uptake);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, UptakeSummaries.Row(dimension));
        var values = SummaryCounts.Read(found.HasValue ? found.Value : null);
        values.Sort(static (a, b) => b.Counts.ActiveUsers.CompareTo(a.Counts.ActiveUsers) is not 0 and var byActive ? byActive
            : b.Counts.SignUps.CompareTo(a.Counts.SignUps) is not 0 and var bySignUps ? bySignUps
            : string.CompareOrdinal(a.Value, b.Value));
        return values.ToArray();
    }

    /// <summary>The exact median of a days-to-ready histogram (days → people).</summary>
    public static double? Median(IReadOnlyDictionary<int, long> daysToReady) => Median(daysToReady.Select(d => (d.Key, d.Value)).ToList());

    /// <summary>The exact median of a days-to-ready histogram, given as (days, people) in any order; sorted in place.</summary>
    public static double? Median(List<(int Days, long People)> histogram)
    {
        histogram.RemoveAll(static h => h.People <= 0);
        if (histogram.Count == 0)
        {
            return null; // most values of a breakdown: nobody ready yet
        }

        histogram.Sort(static (a, b) => a.Days.CompareTo(b.Days));
        var n = 0L;
        foreach (var (_, people) in histogram)
        {
            n += people;
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
