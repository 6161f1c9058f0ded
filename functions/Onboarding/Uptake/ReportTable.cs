using System.Globalization;
using System.Text;

namespace Onboarding.Uptake;

/// <summary>
/// A report as rows of cells, the same for JSON, CSV and the dashboard. Totals are exact; in a
/// breakdown, every count below the tenant's threshold — zero included, or a zero next to an exact
/// total would give the small cell away — shows as <c>&lt;threshold</c>, so a month × institution
/// cell cannot single out a person; so does a median over fewer people.
/// </summary>
public static class ReportTable
{
    public const string TotalLabel = "(total)";

    /// <summary>The people counts, which every breakdown by a person's country, institution or role has.</summary>
    public static readonly string[] CountColumns =
    [
        "signups", "active_users", "sign_ins", "signed_in", "vo_member", "partners_linked", "ready", "median_days_to_ready",
        "returned_month_1", "returned_month_3", "returned_month_6",
    ];

    /// <summary>Failed sign-ins: in the totals, and the only column of the breakdown by reason (a failure has no person).</summary>
    public const string FailedColumn = "failed_sign_ins";

    /// <summary>The columns of a report's rows: the people counts and failures for totals, one or the other in a breakdown.</summary>
    public static string[] ColumnsFor(string? by) => by switch
    {
        null => [.. CountColumns, FailedColumn],
        Dimensions.Failure => [FailedColumn],
        _ => CountColumns,
    };

    /// <param name="by">The breakdown the cells are of (null for totals): it decides the columns.</param>
    public static Dictionary<string, object?> Cells(UptakeCounts c, int? suppressBelow, string? by = null)
    {
        object? Cell(long n) => suppressBelow is { } k && k > 1 && n < k ? $"<{k}" : n;
        var all = new Dictionary<string, object?>
        {
            ["signups"] = Cell(c.SignUps),
            ["active_users"] = Cell(c.ActiveUsers),
            ["sign_ins"] = Cell(c.SignIns),
            ["signed_in"] = Cell(c.SignedIn),
            ["vo_member"] = Cell(c.VoMember),
            ["partners_linked"] = Cell(c.PartnersLinked),
            ["ready"] = Cell(c.Ready),
            ["median_days_to_ready"] = suppressBelow is { } s && s > 1 && c.Ready < s ? null : c.MedianDaysToReady,
            ["returned_month_1"] = Cell(c.ReturnedMonth1),
            ["returned_month_3"] = Cell(c.ReturnedMonth3),
            ["returned_month_6"] = Cell(c.ReturnedMonth6),
            [FailedColumn] = Cell(c.FailedSignIns),
        };
        return ColumnsFor(by).ToDictionary(column => column, column => all[column]);
    }

    /// <summary>RFC 4180: a header row, CRLF line ends, fields with commas, quotes or line breaks quoted.</summary>
    public static string Csv(IEnumerable<MonthUptake> months, string? by, int suppressBelow, bool withTenant) =>
        CsvHeader(by, withTenant) + string.Concat(CsvRows(months, by, suppressBelow, withTenant));

    /// <summary>The label of the values a month's breakdown holds past its first <see cref="UptakeSummaries.MaxValues"/>, said in the file itself.</summary>
    public static readonly string OtherLabel =
        $"{UptakeSummaries.Other} (values past the first {UptakeSummaries.MaxValues.ToString(CultureInfo.InvariantCulture)} of the month, counted together)";

    public static string CsvHeader(string? by, bool withTenant) =>
        string.Join(',', (withTenant ? ["tenant"] : Array.Empty<string>()).Concat(["month", by ?? "breakdown"]).Concat(ColumnsFor(by)).Select(Quote)) + "\r\n";

    /// <summary>Rows of <see cref="CsvRows"/> in one piece of text: a report by institution has tens of thousands, written a block at a time.</summary>
    public const int RowsPerBlock = 250;

    /// <summary>The rows of <see cref="Csv"/>, <see cref="RowsPerBlock"/> at a time: each month's total, then its breakdown.</summary>
    public static IEnumerable<string> CsvRows(IEnumerable<MonthUptake> months, string? by, int suppressBelow, bool withTenant)
    {
        var columns = ColumnsFor(by);
        var block = new StringBuilder(RowsPerBlock * 96);
        var rows = 0;
        foreach (var month in months)
        {
            Row(block, month, TotalLabel, month.Totals, null, columns, withTenant);
            foreach (var b in month.Breakdown)
            {
                if (++rows % RowsPerBlock == 0)
                {
                    yield return block.ToString();
                    block.Clear();
                }

                Row(block, month, b.Value == UptakeSummaries.Other ? OtherLabel : b.Value, b.Counts, suppressBelow, columns, withTenant);
            }
        }

        if (block.Length > 0)
        {
            yield return block.ToString();
        }
    }

    /// <summary>The rows of <see cref="CsvRows"/> as the months come (<see cref="UptakeReports.StreamAsync"/>).</summary>
    public static async IAsyncEnumerable<string> CsvRowsAsync(IAsyncEnumerable<MonthUptake> months, string? by, int suppressBelow, bool withTenant)
    {
        await foreach (var month in months)
        {
            foreach (var block in CsvRows([month], by, suppressBelow, withTenant))
            {
                yield return block;
            }
        }
    }

    /// <summary>One CSV row, the cells written straight into <paramref name="block"/>.</summary>
    private static void Row(StringBuilder block, MonthUptake month, string label, UptakeCounts c, int? suppressBelow, string[] columns, bool withTenant)
    {
        if (withTenant)
        {
            block.Append(Quote(month.Tenant)).Append(',');
        }

        block.Append(Quote(month.Month)).Append(',').Append(Quote(label));
        var hidden = suppressBelow is { } k && k > 1;
        foreach (var column in columns)
        {
            block.Append(',');
            if (column == "median_days_to_ready")
            {
                if (!(hidden && c.Ready < suppressBelow) && c.MedianDaysToReady is { } median)
                {
                    block.Append(CultureInfo.InvariantCulture, $"{median}");
                }

                continue;
            }

            var count = Count(c, column);
            if (hidden && count < suppressBelow)
            {
                block.Append(CultureInfo.InvariantCulture, $"<{suppressBelow!.Value}");
            }
            else
            {
                block.Append(CultureInfo.InvariantCulture, $"{count}");
            }
        }

        block.Append("\r\n");
    }

    private static long Count(UptakeCounts c, string column) => column switch
    {
        "signups" => c.SignUps,
        "active_users" => c.ActiveUsers,
        "sign_ins" => c.SignIns,
        "signed_in" => c.SignedIn,
        "vo_member" => c.VoMember,
        "partners_linked" => c.PartnersLinked,
        "ready" => c.Ready,
        "returned_month_1" => c.ReturnedMonth1,
        "returned_month_3" => c.ReturnedMonth3,
        "returned_month_6" => c.ReturnedMonth6,
        _ => c.FailedSignIns,
    };

    public static string Quote(string field) => Common.Csv.Quote(field);
}
