using Onboarding.Tenants;

namespace Onboarding.Uptake;

/// <summary>Failed sign-ins of one reason over a report's months.</summary>
public sealed record ReasonCount(string Code, long Count);

/// <summary>What the operators' dashboard shows for a window of months.</summary>
/// <param name="Months">Each month's totals, with its failed sign-ins by reason as the breakdown.</param>
public sealed record DashboardView(ReportQuery Query, IReadOnlyList<MonthUptake> Months, IReadOnlyList<TopValue> ByCountry,
    IReadOnlyList<TopValue> ByInstitution, IReadOnlyList<ReasonCount> Failures)
{
    /// <summary>The window's last month: the headline figures are of it.</summary>
    public MonthUptake Latest => Months[^1];

    /// <summary>Of the window's sign-ups, the share that is ready (null without sign-ups).</summary>
    public double? ReadyShare => Months.Sum(m => m.Totals.SignedIn) is var n and > 0 ? (double)Months.Sum(m => m.Totals.Ready) / n : null;
}

/// <summary>
/// Reads the dashboard's data: the months' totals with the failed sign-ins by reason (one set of
/// month reads), and the top countries and institutions, side by side. Storage requests do not grow
/// with the number of users (<c>ReportCostTests</c>).
/// </summary>
public sealed class UptakeDashboard(UptakeReports reports)
{
    public const int TopCount = 10;

    public async Task<DashboardView> ReadAsync(Tenant tenant, ReportQuery query, CancellationToken cancellationToken)
    {
        var months = reports.ReadAsync(tenant, query with { By = Dimensions.Failure }, cancellationToken);
        var byCountry = reports.TopAsync(tenant, query, Dimensions.Country, TopCount, cancellationToken);
        var byInstitution = reports.TopAsync(tenant, query, Dimensions.Institution, TopCount, cancellationToken);
        var read = await months;
        var suppressBelow = tenant.ReportSuppressBelow;
        // Ordered by what is shown: a count below the threshold sorts as zero, or the order would give it away.
        var failures = read.SelectMany(m => m.Breakdown)
            .GroupBy(b => b.Value, StringComparer.Ordinal)
            .Select(g => new ReasonCount(g.Key, g.Sum(b => b.Counts.FailedSignIns)))
            .Where(r => r.Count > 0)
            .OrderByDescending(r => r.Count < suppressBelow ? 0 : r.Count).ThenBy(r => r.Code, StringComparer.Ordinal)
            .ToList();
        return new DashboardView(query, read, await byCountry, await byInstitution, failures);
    }
}
