using System.Globalization;

namespace Onboarding.Pages.Reports;

/// <summary>One named series of a bar chart, a value per label.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<long> Values);

/// <summary>One stage of a funnel and how many reached it.</summary>
public sealed record FunnelStage(string Stage, long Count);

internal static class Svg
{
    /// <summary>A coordinate as SVG wants it: invariant, at most one decimal.</summary>
    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The class that colours the n-th series (site.css has four).</summary>
    public static string Series(int index) => $"series-{index % 4}";
}
