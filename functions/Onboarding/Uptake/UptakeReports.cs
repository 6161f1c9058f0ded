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

public sealed record MonthUptake(string Tenant, string Month, UptakeCounts Totals, IReadOnlyList<BreakdownCounts> Breakdown);

/// <summary>
/// Reads uptake reports from the summary rows: one keyed range read per month and tenant, whatever
/// the number of users, the months in parallel. Sign-ups, active users and sign-ins belong to the
/// month they happened in; the funnel belongs to the month of sign-up (the cohort). A month read is
/// kept for <see cref="CacheFor"/> (or until this instance's drain counts into it), so the dashboard's
/// reports and repeated views read each month once.
/// </summary>
public sealed class UptakeReports(TableStore tables, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private const int MaxCachedMonths = 10_000;

    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, Task<MonthCounters> Rows)> _months = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<MonthUptake>> ReadAsync(Tenant tenant, ReportQuery query, CancellationToken cancellationToken)
    {
        var months = query.Months().ToList();
        var read = await Task.WhenAll(months.Select(m => MonthAsync(UptakeKeys.Partition(tenant.Id, m.Year, m.Month)).WaitAsync(cancellationToken)));
        return months.Select((month, i) =>
        {
            var counters = read[i];
            var totals = counters.TryGetValue((Dimensions.Total, ""), out var t) ? Counts(t) : Counts([]);
            var breakdown = query.By is null
                ? []
                : counters.Where(c => c.Key.Dimension == query.By)
                    .Select(c => new BreakdownCounts(c.Key.Value, Counts(c.Value)))
                    .OrderByDescending(b => b.Counts.ActiveUsers).ThenByDescending(b => b.Counts.SignUps).ThenBy(b => b.Value, StringComparer.Ordinal)
                    .ToList();
            return new MonthUptake(tenant.Id, month.ToString("yyyy-MM", CultureInfo.InvariantCulture), totals, breakdown);
        }).ToList();
    }

    /// <summary>Forgets what was read of these months (the drain just counted into them).</summary>
    public void Invalidate(IEnumerable<string> partitions)
    {
        foreach (var partition in partitions)
        {
            _months.TryRemove(partition, out _);
        }
    }

    private Task<MonthCounters> MonthAsync(string partition)
    {
        var now = time.GetUtcNow();
        if (_months.TryGetValue(partition, out var cached) && now - cached.ReadAt < CacheFor && !cached.Rows.IsFaulted && !cached.Rows.IsCanceled)
        {
            return cached.Rows;
        }

        if (_months.Count >= MaxCachedMonths)
        {
            _months.Clear();
        }

        // Shared by the callers that arrive meanwhile, so it does not take one caller's cancellation.
        var rows = ReadMonthAsync(partition);
        _months[partition] = (now, rows);
        return rows;
    }

    private async Task<MonthCounters> ReadMonthAsync(string partition)
    {
        var table = await tables.GetAsync(Table.Uptake);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"c|"} and RowKey lt {"c}"}");
        var counters = new MonthCounters();
        await foreach (var row in table.QueryAsync<UptakeEntity>(filter, maxPerPage: 1000, select: ["RowKey", "Count"]))
        {
            var parts = row.RowKey.Split('|');
            var key = (parts[1], parts[2]);
            if (!counters.TryGetValue(key, out var metrics))
            {
                counters[key] = metrics = [];
            }

            metrics[parts[3]] = row.Count;
        }

        return counters;
    }

    private static UptakeCounts Counts(Dictionary<string, long> m) => new(
        Get(m, Metrics.SignUps), Get(m, Metrics.ActiveUsers), Get(m, Metrics.SignIns), Get(m, Metrics.SignUps),
        Get(m, Metrics.Member), Get(m, Metrics.PartnersLinked), Get(m, Metrics.Ready), Median(m));

    private static long Get(Dictionary<string, long> metrics, string metric) => metrics.GetValueOrDefault(metric);

    /// <summary>The exact median of the days-to-ready histogram.</summary>
    public static double? Median(IReadOnlyDictionary<string, long> metrics)
    {
        var histogram = metrics.Where(m => m.Key.StartsWith("days", StringComparison.Ordinal) && m.Value > 0)
            .Select(m => (Days: int.Parse(m.Key[4..], CultureInfo.InvariantCulture), m.Value)).OrderBy(h => h.Days).ToList();
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

/// <summary>One month's counters by (dimension, value), then metric.</summary>
public sealed class MonthCounters : Dictionary<(string Dimension, string Value), Dictionary<string, long>>;
