using System.Globalization;

namespace Onboarding.Pages.Texts;

/// <summary>
/// Which language a page speaks: the one the person picked (the switch on every page, kept in a
/// cookie), else the first of the browser's <c>Accept-Language</c> the pages speak, else English.
/// </summary>
public static class LanguageChoice
{
    public static PageTexts Choose(string? picked, string? acceptLanguage) =>
        PageTexts.Find(picked) ?? FromAcceptLanguage(acceptLanguage) ?? PageTexts.English;

    /// <summary>
    /// The best language of an <c>Accept-Language</c> header (RFC 9110 §12.5.4) the pages speak:
    /// by quality, then by order; a region (<c>fr-BE</c>) matches its language; <c>q=0</c> means "not this".
    /// </summary>
    public static PageTexts? FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        // Bounded: a header is at most a few hundred characters in practice; a longer one is read in part.
        var ranges = header[..Math.Min(header.Length, 1024)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Take(32)
            .Select((range, order) => (Tag: range.Split(';')[0].Trim(), Quality: QualityOf(range), Order: order))
            .Where(r => r.Quality > 0)
            .OrderByDescending(r => r.Quality).ThenBy(r => r.Order);
        foreach (var (tag, _, _) in ranges)
        {
            if (PageTexts.Find(tag.Split('-')[0]) is { } texts)
            {
                return texts;
            }
        }

        return null;
    }

    private static double QualityOf(string range)
    {
        foreach (var parameter in range.Split(';').Skip(1))
        {
            var pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && pair[0].Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                return double.TryParse(pair[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) ? Math.Clamp(q, 0, 1) : 0;
            }
        }

        return 1;
    }
}
