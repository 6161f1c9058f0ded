using System.Globalization;
using System.Text;

namespace Onboarding.Benchmarks;

internal static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static double P50(IReadOnlyCollection<double> values) => Percentile(values, 50);

    public static double P95(IReadOnlyCollection<double> values) => Percentile(values, 95);
}

/// <summary>One row of the results table.</summary>
internal sealed record Row(string Number, string Figure, string Measured, string Ratio, string Goal, bool? Pass);

/// <summary>The one markdown table the benchmark prints, and bench/RESULTS.md around it.</summary>
internal sealed class Report
{
    private readonly List<Row> _rows = [];

    public IReadOnlyList<Row> Rows => _rows;

    public void Add(string number, string figure, string measured, string ratio = "", string goal = "", bool? pass = null) =>
        _rows.Add(new Row(number, figure, measured, ratio, goal, pass));

    public string Markdown()
    {
        var table = new StringBuilder();
        table.Append("| # | figure | measured (absolute numbers as context) | ratio | goal | pass |\n");
        table.Append("| --- | --- | --- | --- | --- | --- |\n");
        foreach (var row in _rows)
        {
            var mark = row.Pass switch { true => "✅ pass", false => "❌ fail", null => "" };
            table.Append(CultureInfo.InvariantCulture,
                $"| {Cell(row.Number)} | {Cell(row.Figure)} | {Cell(row.Measured)} | {Cell(row.Ratio)} | {Cell(row.Goal)} | {mark} |\n");
        }

        return table.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);

    public static string Ms(double ms) => ms >= 100
        ? ms.ToString("F0", CultureInfo.InvariantCulture) + " ms"
        : ms.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    public static string X(double ratio) => double.IsFinite(ratio) ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "×" : "n/a";

    public static string N(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    /// <summary>"users get 1, users batch 1, …", the busiest first.</summary>
    public static string Calls(IReadOnlyDictionary<string, double> perUnit, int decimals = 1)
    {
        if (perUnit.Count == 0)
        {
            return "none";
        }

        var total = perUnit.Values.Sum();
        var parts = perUnit.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} {Number(kv.Value, decimals)}");
        return $"{Number(total, decimals)} = " + string.Join(", ", parts);
    }

    private static string Number(double value, int decimals) =>
        Math.Abs(value - Math.Round(value)) < 0.005 ? Math.Round(value).ToString("F0", CultureInfo.InvariantCulture) : value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
