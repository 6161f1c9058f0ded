using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Uptake;

namespace Onboarding.Functions.Reports;

/// <summary>A report as JSON (default) or as CSV (<c>Accept: text/csv</c> or <c>format=csv</c>).</summary>
public static class ReportResponses
{
    public static IResult For(HttpRequest request, IReadOnlyList<MonthUptake> months, ReportQuery query, int suppressBelow,
        string? tenant)
    {
        var wantsCsv = request.Query["format"] == "csv"
            || request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        if (wantsCsv)
        {
            var name = $"uptake-{tenant ?? "all"}-{query.From:yyyy-MM}-{query.To:yyyy-MM}{(query.By is null ? "" : "-by-" + query.By)}.csv";
            return CsvDownload.Of(name, ReportTable.CsvHeader(query.By, withTenant: tenant is null),
                ReportTable.CsvRows(months, query.By, suppressBelow, withTenant: tenant is null));
        }

        return TypedResults.Json(new
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
        }, ApiJson.Options);
    }
}
