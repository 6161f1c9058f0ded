using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Onboarding.Pages.Texts;

/// <summary>
/// The words of the person's pages in one language: every sentence a researcher reads comes from
/// the language's file (<c>Texts/en.json</c>, <c>Texts/fr.json</c>), grouped by page, never from
/// code. Placeholders are named (<c>{platform}</c>); a test checks that every language has every
/// key with the same placeholders, and that every key the pages use exists.
/// </summary>
public sealed class PageTexts
{
    private readonly FrozenDictionary<string, string> _texts;

    private PageTexts(string language, FrozenDictionary<string, string> texts)
    {
        Language = language;
        _texts = texts;
    }

    /// <summary>The BCP 47 tag of the language (<c>en</c>, <c>fr</c>), for <c>lang</c> attributes.</summary>
    public string Language { get; }

    /// <summary>The languages the pages speak, English first (the fallback).</summary>
    public static IReadOnlyList<PageTexts> All { get; } = [Load("en"), Load("fr")];

    public static PageTexts English => All[0];

    /// <summary>The language by its tag, or null when the pages do not speak it.</summary>
    public static PageTexts? Find(string? language) =>
        All.FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every key of this language, for the tests that compare languages.</summary>
    public IEnumerable<string> Keys => _texts.Keys;

    /// <summary>The text of <paramref name="key"/>; an unknown key is a bug the tests catch, shown as the key itself.</summary>
    public string this[string key] => _texts.TryGetValue(key, out var text) ? text : key;

    /// <summary>The text of <paramref name="key"/> with its named placeholders filled in.</summary>
    public string Format(string key, params (string Name, object? Value)[] values)
    {
        var text = new StringBuilder(this[key]);
        foreach (var (name, value) in values)
        {
            text.Replace("{" + name + "}", Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>
    /// The plural form of <paramref name="key"/> for <paramref name="count"/> (<c>key.one</c> or
    /// <c>key.other</c>), with <c>{count}</c> filled in. French counts 0 and 1 as singular, English only 1.
    /// </summary>
    public string Plural(string key, long count, params (string Name, object? Value)[] values)
    {
        var one = Language == "fr" ? count is 0 or 1 : count == 1;
        return Format(key + (one ? ".one" : ".other"), [("count", count), .. values]);
    }

    /// <summary>A day as people write it in this language: "7 December 2026", "7 décembre 2026" (UTC).</summary>
    public string Day(DateTimeOffset at)
    {
        var day = at.UtcDateTime;
        return Format("dates.day", ("day", day.Day), ("month", this[$"dates.month{day.Month}"]), ("year", day.Year));
    }

    /// <summary>A span of days: "30 days", "1 day".</summary>
    public string Days(TimeSpan span) => Plural("dates.days", (long)Math.Round(span.TotalDays));

    /// <summary>A short wait in the words of this language: minutes below two hours, else hours, else days.</summary>
    public string Duration(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => Plural("dates.seconds", (long)Math.Ceiling(span.TotalSeconds)),
        { TotalHours: < 2 } => Plural("dates.minutes", (long)Math.Round(span.TotalMinutes)),
        { TotalDays: < 2 } => Plural("dates.hours", (long)Math.Round(span.TotalHours)),
        _ => Days(span),
    };

    private static PageTexts Load(string language)
    {
        var name = $"Onboarding.Pages.Texts.{language}.json";
        using var stream = typeof(PageTexts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded");
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(document.RootElement, "", texts);
        return new PageTexts(language, texts.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Nested sections become dotted keys: <c>{"status": {"title": …}}</c> is <c>status.title</c>.</summary>
    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, key, into);
            }
            else
            {
                into.Add(key, property.Value.GetString() ?? throw new InvalidOperationException($"{key} is not a string"));
            }
        }
    }
}
