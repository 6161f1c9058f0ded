using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Uptake;

namespace Onboarding.Functions.Reports;

/// <summary>A report as JSON (default) or as CSV (<c>Accept: text/csv</c> or <c>format=csv</c>).</summary>
public static class ReportResponses
{
    /// <summary>
    /// The months as they come: a CSV starts with the first month (a fault before it is still a 503,
    /// one after it aborts the download, as <see cref="CsvDownload"/> does); JSON is written once all are in.
    /// </summary>
    public static async Task<IResult> ForAsync(HttpRequest request, IAsyncEnumerable<MonthUptake> months, ReportQuery query, int suppressBelow,
        string? tenant, CancellationToken cancellationToken)
    {
        if (WantsCsv(request))
        {
            var name = $"uptake-{tenant ?? "all"}-{query.From:yyyy-MM}-{query.To:yyyy-MM}{(query.By is null ? "" : "-by-" + query.By)}.csv";
            return await CsvDownload.StartAsync(name, ReportTable.CsvHeader(query.By, withTenant: tenant is null),
                ReportTable.CsvRowsAsync(months, query.By, suppressBelow, withTenant: tenant is null), cancellationToken);
        }

        var all = new List<MonthUptake>();
        await foreach (var month in months.WithCancellation(cancellationToken))
        {
            all.Add(month);
        }

        return TypedResults.Json(Body(all, query, suppressBelow, tenant), ApiJson.Options); // an object: its own type is written
    }

    private static bool WantsCsv(HttpRequest request) =>
        request.Query["format"] == "csv"
        || request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));

    private static object Body(IReadOnlyList<MonthUptake> months, ReportQuery query, int suppressBelow, string? tenant) =>
        new
        {
            tenant,
            from = query.From.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
            to = query.To.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
            by = query.By,
            suppress_below = suppressBelow,
            months = months.Select(m => new
            {
                tenant = tenant is null ? m.Tenant : null,
                month = m.Month,
                totals = ReportTable.Cells(m.Totals, null),
                breakdown = query.By is null
                    ? null
                    : m.Breakdown.Select(b => new Dictionary<string, object?> { ["value"] = b.Value }.Concat(ReportTable.Cells(b.Counts, suppressBelow, query.By))
                        .ToDictionary(kv => kv.Key, kv => kv.Value)).ToList(),
            }),
        };
}
