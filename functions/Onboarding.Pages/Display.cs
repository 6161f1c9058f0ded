using System.Globalization;

namespace Onboarding.Pages;

/// <summary>How pages write values: dates as ISO days in UTC, the same for every reader.</summary>
public static class Display
{
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>To the minute, in UTC, as staff pages show times.</summary>
    public static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether an identity mixes the letters of several scripts (a Cyrillic <c>а</c> among Latin ones:
    /// <c>аlice@vito.be</c> is not alice), which staff should see flagged before they act on it.
    /// </summary>
    public static bool MixesScripts(string? value) =>
        value is not null && value.Where(char.IsLetter).Select(ScriptOf).Distinct().Count() > 1;

    /// <summary>A coarse script of a letter, by Unicode block: enough to tell look-alikes apart.</summary>
    private static string ScriptOf(char c) => c switch
    {
        <= '\u024F' or (>= '\u1E00' and <= '\u1EFF') => "Latin",
        >= '\u0370' and <= '\u03FF' or (>= '\u1F00' and <= '\u1FFF') => "Greek",
        >= '\u0400' and <= '\u052F' => "Cyrillic",
        >= '\u0530' and <= '\u058F' => "Armenian",
        >= '\u0590' and <= '\u05FF' => "Hebrew",
        >= '\u0600' and <= '\u06FF' => "Arabic",
        >= '\u3040' and <= '\u30FF' => "Kana",
        >= '\u4E00' and <= '\u9FFF' => "Han",
        >= '\uAC00' and <= '\uD7AF' => "Hangul",
        _ => $"other-{(int)c >> 8}",
    };
}
