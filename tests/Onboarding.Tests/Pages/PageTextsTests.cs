using System.Reflection;
using System.Text.RegularExpressions;
using Onboarding.Common;
using Onboarding.Pages.Texts;

namespace Onboarding.Tests.Pages;

/// <summary>The person's pages speak every shipped language completely: same keys, same placeholders, every key a page uses, every error code.</summary>
public sealed partial class PageTextsTests
{
    public static TheoryData<string> Languages => [.. PageTexts.All.Select(t => t.Language)];

    [Theory]
    [MemberData(nameof(Languages))]
    public void EveryLanguage_HasEnglishsKeys_WithTheSamePlaceholders_AndNothingElse(string language)
    {
        var texts = PageTexts.Find(language)!;
        var english = PageTexts.English;

        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
        foreach (var key in english.Keys)
        {
            Assert.True(Placeholders(english[key]).SetEquals(Placeholders(texts[key])), $"{language} {key}: placeholders differ from English");
            Assert.False(string.IsNullOrWhiteSpace(texts[key]), $"{language} {key} is empty");
        }
    }

    [Fact]
    public void French_IsNotEnglishCopied()
    {
        var french = PageTexts.Find("fr")!;
        var same = PageTexts.English.Keys.Where(k => PageTexts.English[k] == french[k] && PageTexts.English[k].Any(char.IsLetter)
            && !k.StartsWith("layout.languageName", StringComparison.Ordinal)).ToList();

        // Words that are the same in both (names of months are not; "Institution" is).
        Assert.True(same.Count <= 5, "left in English in fr.json: " + string.Join(", ", same));
    }

    [Fact]
    public void EveryKeyThePagesUse_Exists()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "functions"), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));
        var used = sources.SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups["key"].Value)))
            .Where(u => !u.Key.Contains('{', StringComparison.Ordinal))
            .ToList();

        Assert.True(used.Count > 100, $"only {used.Count} uses found: has the way pages name their texts changed?");
        var keys = PageTexts.English.Keys.ToHashSet();
        var missing = used.Where(u => !keys.Contains(u.Key) && !(keys.Contains(u.Key + ".one") && keys.Contains(u.Key + ".other")))
            .Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "texts missing from en.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryErrorCode_HasATitleAndAText_InEveryLanguage()
    {
        var codes = typeof(ApiError).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ApiError)).Select(f => ((ApiError)f.GetValue(null)!).Code).ToList();

        Assert.NotEmpty(codes);
        foreach (var texts in PageTexts.All)
        {
            foreach (var code in codes)
            {
                Assert.Contains($"errors.{code}.title", texts.Keys);
                Assert.Contains($"errors.{code}.text", texts.Keys);
            }
        }
    }

    [Fact]
    public void Plurals_AndDays_ReadNaturally()
    {
        var english = PageTexts.English;
        var french = PageTexts.Find("fr")!;

        Assert.Equal("1 day", english.Days(TimeSpan.FromDays(1)));
        Assert.Equal("365 days", english.Days(TimeSpan.FromDays(365)));
        Assert.Equal("365 jours", french.Days(TimeSpan.FromDays(365)));
        Assert.Equal("30 seconds", english.Duration(TimeSpan.FromSeconds(30)));
        Assert.Equal("7 December 2026", english.Day(new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero)));
        Assert.Equal("7 décembre 2026", french.Day(new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData(null, null, "en")]
    [InlineData(null, "fr-BE,fr;q=0.9,en;q=0.8", "fr")]
    [InlineData(null, "de-DE,de;q=0.9", "en")]
    [InlineData(null, "de, fr;q=0.5, en;q=0.4", "fr")]
    [InlineData(null, "fr;q=0, en", "en")]
    [InlineData(null, "en;q=0.5, fr;q=0.9", "fr")]
    [InlineData("en", "fr-BE", "en")] // the switch wins over the browser
    [InlineData("xx", "fr", "fr")] // a language the pages do not speak is no pick
    public void LanguageChoice_PickThenAcceptLanguageThenEnglish(string? picked, string? acceptLanguage, string expected) =>
        Assert.Equal(expected, LanguageChoice.Choose(picked, acceptLanguage).Language);

    [Fact]
    public void MissingKey_ShowsTheKey_NotAnException() =>
        Assert.Equal("no.such.key", PageTexts.English["no.such.key"]);

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{[a-zA-Z]+\}")]
    private static partial Regex Placeholder();

    /// <summary>T["section.key"], T.Format("section.key", …), T.Plural("section.key", …), Way("section.key", …), frames' title keys.</summary>
    [GeneratedRegex(@"(?:\bT\[|\.Format\(|\.Plural\(|\bWay\(|\btexts\[|\bt\[)""(?<key>(?:layout|dates|states|status|steps|data|erase|signedOut|signIn|spent|unknownPlatform|errors)\.[A-Za-z.]+)""")]
    private static partial Regex KeyUse();
}
