using System.Collections.Frozen;
using System.Text.Json;

namespace Onboarding.Common;

/// <summary>
/// The ISO 3166-1 alpha-2 countries and their English names, from the Unicode CLDR (generated into
/// countries.json by dev/cldr/countries.mjs, which a node test keeps honest). The service runs with
/// invariant globalization, where <see cref="System.Globalization.RegionInfo"/> knows no names.
/// </summary>
public static class Countries
{
    private static readonly FrozenDictionary<string, string> Names = Load();

    /// <summary>Whether the code (any case) is a country's.</summary>
    public static bool IsCountry(string? code) => code is { Length: 2 } && Names.ContainsKey(code.ToUpperInvariant());

    /// <summary>The English name ("Germany" for DE), or the code itself when it is not a country's.</summary>
    public static string NameOf(string code) => Names.GetValueOrDefault(code.ToUpperInvariant(), code);

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream("Onboarding.countries.json")
            ?? throw new InvalidOperationException("countries.json is not embedded");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("countries").EnumerateObject()
            .ToFrozenDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }
}
