namespace Onboarding.Users;

/// <summary>
/// Works out a country without asking the user: a country claim when the tenant's provider has one,
/// else the country-code top-level domain of the institution, else unknown (null).
/// </summary>
public static class CountryResolver
{
    // Two-letter top-level domains that are not the ISO 3166 code of the country they stand for.
    private static readonly Dictionary<string, string?> Exceptions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["uk"] = "GB",
        ["eu"] = null,
        ["su"] = null,
    };

    public static string? Resolve(string? countryClaim, string? institutionDomain)
    {
        if (IsCode(countryClaim))
        {
            return countryClaim!.ToUpperInvariant();
        }

        var tld = institutionDomain?[(institutionDomain.LastIndexOf('.') + 1)..];
        if (tld is null || !IsCode(tld))
        {
            return null;
        }

        return Exceptions.TryGetValue(tld, out var mapped) ? mapped : tld.ToUpperInvariant();
    }

    private static bool IsCode(string? value) =>
        value is { Length: 2 } && char.IsAsciiLetter(value[0]) && char.IsAsciiLetter(value[1]);
}
