using System.Globalization;
using System.Text;
using static Onboarding.Functions.Http.Html;

namespace Onboarding.Functions.Reports;

/// <summary>Small charts drawn as SVG on the server: readable without JavaScript, escaped like any other output.</summary>
public static class SvgCharts
{
    private const int Width = 640;
    private const int Height = 240;
    private const int Left = 40;
    private const int Bottom = 30;
    private static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

    /// <summary>Grouped bars: one group per label, one bar per series.</summary>
    public static string Bars(string title, IReadOnlyList<string> labels, IReadOnlyList<(string Name, IReadOnlyList<long> Values)> series)
    {
        var max = Math.Max(1, series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var plotWidth = Width - Left - 10;
        var plotHeight = Height - Bottom - 20;
        var group = labels.Count == 0 ? plotWidth : (double)plotWidth / labels.Count;
        var bar = Math.Max(2, group * 0.8 / Math.Max(1, series.Count));
        var svg = Open(title);
        svg.Append(F($"<text x=\"{Left - 6}\" y=\"26\" text-anchor=\"end\" class=\"axis\">{max}</text>"))
           .Append(F($"<text x=\"{Left - 6}\" y=\"{Height - Bottom}\" text-anchor=\"end\" class=\"axis\">0</text>"))
           .Append(F($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - 10}\" y2=\"{Height - Bottom}\" stroke=\"#999\"/>"));
        for (var i = 0; i < labels.Count; i++)
        {
            var x0 = Left + (i * group) + (group * 0.1);
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[i];
                var h = plotHeight * value / (double)max;
                svg.Append(F($"<rect x=\"{x0 + (s * bar):0.#}\" y=\"{Height - Bottom - h:0.#}\" width=\"{bar - 1:0.#}\" height=\"{h:0.#}\" fill=\"{Colours[s % Colours.Length]}\">"))
                   .Append(F($"<title>{E(series[s].Name)} {E(labels[i])}: {value}</title></rect>"));
            }

            // At most about twelve labels, and always the latest month's.
            var step = (labels.Count + 11) / 12;
            if (i % step == (labels.Count - 1) % step)
            {
                svg.Append(F($"<text x=\"{x0 + (group * 0.4):0.#}\" y=\"{Height - 12}\" text-anchor=\"middle\" class=\"axis\">{E(labels[i])}</text>"));
            }
        }

        return Close(svg, series.Select(s => s.Name).ToList());
    }

    /// <summary>A horizontal funnel: one bar per stage, as a share of the first.</summary>
    public static string Funnel(string title, IReadOnlyList<(string Stage, long Count)> stages)
    {
        var first = Math.Max(1, stages.Count == 0 ? 1 : stages[0].Count);
        var svg = Open(title);
        for (var i = 0; i < stages.Count; i++)
        {
            var (stage, count) = stages[i];
            var w = (Width - 220) * count / (double)first;
            var y = 24 + (i * 48);
            svg.Append(F($"<text x=\"150\" y=\"{y + 22}\" text-anchor=\"end\">{E(stage)}</text>"))
               .Append(F($"<rect x=\"160\" y=\"{y}\" width=\"{Math.Max(w, 1):0.#}\" height=\"32\" fill=\"{Colours[i % Colours.Length]}\"><title>{E(stage)}: {count}</title></rect>"))
               .Append(F($"<text x=\"{166 + w:0.#}\" y=\"{y + 22}\">{count} ({100.0 * count / first:0}%)</text>"));
        }

        return Close(svg, []);
    }

    private static StringBuilder Open(string title) => new StringBuilder()
        .Append(F($"<figure class=\"chart\"><figcaption>{E(title)}</figcaption>"))
        .Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"100%\" role=\"img\" aria-label=\"{E(title)}\">"))
        .Append("<style>text{font:12px system-ui,sans-serif;fill:#333}.axis{fill:#666;font-size:11px}</style>");

    private static string Close(StringBuilder svg, List<string> legend)
    {
        svg.Append("</svg>");
        if (legend.Count > 0)
        {
            svg.Append("<p class=\"legend\">");
            for (var i = 0; i < legend.Count; i++)
            {
                svg.Append(F($"<span style=\"color:{Colours[i % Colours.Length]}\">■</span> {E(legend[i])} "));
            }

            svg.Append("</p>");
        }

        return svg.Append("</figure>").ToString();
    }

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
