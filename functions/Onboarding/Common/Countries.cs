using System.Collections.Frozen;
using System.Text.Json;

namespace Onboarding.Common;

/// <summary>
/// The ISO 3166-1 alpha-2 countries and their names, in English and in each other language of the
/// person's pages, from the Unicode CLDR (generated into countries.json by dev/cldr/countries.mjs,
/// which a node test keeps honest). The service runs with invariant globalization, where
/// <see cref="System.Globalization.RegionInfo"/> knows no names.
/// </summary>
public static class Countries
{
    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> Names = Load();

    private static FrozenDictionary<string, string> English => Names["en"];

    /// <summary>Whether the code (any case) is a country's.</summary>
    public static bool IsCountry(string? code) => code is { Length: 2 } && English.ContainsKey(code.ToUpperInvariant());

    /// <summary>The name in <paramref name="language"/> ("Germany", "Allemagne" for DE; English for a language without names), or the code itself when it is not a country's.</summary>
    public static string NameOf(string code, string language = "en") =>
        Names.GetValueOrDefault(language, English).GetValueOrDefault(code.ToUpperInvariant(), code);

    private static FrozenDictionary<string, FrozenDictionary<string, string>> Load()
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream("Onboarding.countries.json")
            ?? throw new InvalidOperationException("countries.json is not embedded");
        using var document = JsonDocument.Parse(stream);
        // "countries" holds the English names; every other object is a language's, keyed by its tag.
        return document.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Object)
            .ToFrozenDictionary(p => p.Name == "countries" ? "en" : p.Name,
                p => p.Value.EnumerateObject().ToFrozenDictionary(c => c.Name, c => c.Value.GetString()!, StringComparer.Ordinal),
                StringComparer.Ordinal);
    }
}
