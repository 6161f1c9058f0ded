using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using Onboarding.Common;
using Onboarding.Storage;
using Onboarding.Tenants;

namespace Onboarding.Uptake;

/// <summary>A report's months and breakdown, validated.</summary>
public sealed record ReportQuery(DateOnly From, DateOnly To, string? By)
{
    public const int MaxMonths = 60;

    /// <summary>Months as <c>YYYY-MM</c>; defaults: the last twelve months up to the current one.</summary>
    public static ReportQuery Parse(string? from, string? to, string? by, DateTimeOffset now)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var end = string.IsNullOrEmpty(to) ? thisMonth : Bounded(Month(to, "to"), "to", thisMonth);
        var start = string.IsNullOrEmpty(from) ? end.AddMonths(-11) : Bounded(Month(from, "from"), "from", thisMonth);
        if (start > end)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "from must not be after to.");
        }

        if ((end.Year - start.Year) * 12 + end.Month - start.Month + 1 > MaxMonths)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, $"A report covers at most {MaxMonths} months.");
        }

        if (!string.IsNullOrEmpty(by) && !Dimensions.Breakdowns.Contains(by))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "by must be country, institution or role.");
        }

        return new ReportQuery(start, end, string.IsNullOrEmpty(by) ? null : by);
    }

    public IEnumerable<DateOnly> Months()
    {
        for (var m = From; m <= To; m = m.AddMonths(1))
        {
            yield return m;
        }
    }

    /// <summary>The service counted nothing before 2000 and can count nothing a year ahead: outside, a clear 400 (not an overflow).</summary>
    private static DateOnly Bounded(DateOnly month, string name, DateOnly thisMonth) =>
        month >= Earliest && month <= thisMonth.AddYears(1)
            ? month
            : throw new OnboardingException(ApiError.ParameterInvalid, $"{name} must be a month from {Earliest:yyyy-MM} to a year from now.");

    private static readonly DateOnly Earliest = new(2000, 1, 1);

    private static DateOnly Month(string value, string name) =>
        DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : throw new OnboardingException(ApiError.ParameterInvalid, $"{name} must be a month like 2026-11.");
}

/// <summary>The numbers of one month, or of one breakdown value in that month.</summary>
public sealed record UptakeCounts(long SignUps, long ActiveUsers, long SignIns, long SignedIn, long VoMember, long PartnersLinked,
    long Ready, double? MedianDaysToReady);

public sealed record BreakdownCounts(string Value, UptakeCounts Counts);

/// <summary>One value's sums over a report's months, for a top list.</summary>
public sealed record TopValue(string Value, long SignUps, long ActiveUserMonths, long Ready);

public sealed record MonthUptake(string Tenant, string Month, UptakeCounts Totals, IReadOnlyList<BreakdownCounts> Breakdown);

/// <summary>
/// Reads uptake reports from the summary rows (<see cref="UptakeSummaries"/>): per month one point
/// read for the totals and one for the breakdown, whatever the number of users or values, the months
/// in parallel. Sign-ups, active users and sign-ins belong to the month they happened in; the funnel
/// belongs to the month of sign-up (the cohort). A summary read is kept for <see cref="CacheFor"/>
/// (or until this instance's drain counts into its month), so the dashboard's reports and repeated
/// views read each one once.
/// </summary>
public sealed class UptakeReports(TableStore tables, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<(string Partition, string Dimension), (DateTimeOffset ReadAt, Task<Dictionary<string, ValueCounts>> Values)> _cache = new();

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
        var months = await Task.WhenAll(query.Months().Select(m => SummaryAsync(UptakeKeys.Partition(tenant.Id, m.Year, m.Month), dimension)))
            .WaitAsync(cancellationToken);
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

    private static UptakeCounts Counts(ValueCounts c) => new(
        Get(c, Metrics.SignUps), Get(c, Metrics.ActiveUsers), Get(c, Metrics.SignIns), Get(c, Metrics.SignUps),
        Get(c, Metrics.Member), Get(c, Metrics.PartnersLinked), Get(c, Metrics.Ready), Median(c.DaysToReady));

    private static long Get(ValueCounts counts, string metric) => counts.Metrics.GetValueOrDefault(metric);

    /// <summary>The exact median of a days-to-ready histogram (days → people).</summary>
    public static double? Median(IReadOnlyDictionary<int, long> daysToReady)
    {
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
