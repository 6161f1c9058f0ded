using Onboarding.Common;

namespace Onboarding.Users;

/// <summary>
/// Works out a country without asking the user, in this order: a country claim when the tenant's
/// provider has one; the tenant's own map of institution domains (for the <c>.org</c>, <c>.eu</c> or
/// <c>.int</c> institutions a platform knows); <c>.edu</c> (US-only by its registry's rules); the
/// institution's country-code top-level domain, unless it is one sold for generic use; else unknown
/// (null). Funders read these figures: a domain that does not say where someone works counts as unknown,
/// never as a guess. See docs/reports.md, "Country".
/// </summary>
public static class CountryResolver
{
    /// <summary>
    /// Country-code domains registered worldwide for generic use, so they say nothing about where an
    /// institution is: Google's list of "generic country code top-level domains" (Search Central,
    /// "Managing multi-regional and multilingual sites"), plus .ai, sold the same way.
    /// </summary>
    public static readonly IReadOnlySet<string> GenericUse = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ad", "ai", "as", "bz", "cc", "cd", "co", "dj", "fm", "io", "la", "me", "ms", "nu", "sc", "sr", "su", "tk", "tv", "ws",
    };

    /// <summary>Top-level domains that are not the ISO 3166 code of their country, or say one without being two letters.</summary>
    private static readonly Dictionary<string, string?> Mapped = new(StringComparer.OrdinalIgnoreCase)
    {
        ["uk"] = "GB",
        ["edu"] = "US",
        ["eu"] = null,
    };

    /// <param name="institutionCountries">The tenant's map from institution domain to country code; a domain
    /// also covers its subdomains.</param>
    public static string? Resolve(string? countryClaim, string? institutionDomain,
        IReadOnlyDictionary<string, string>? institutionCountries = null)
    {
        if (Countries.IsCountry(countryClaim))
        {
            return countryClaim!.ToUpperInvariant();
        }

        if (string.IsNullOrEmpty(institutionDomain))
        {
            return null;
        }

        if (institutionCountries is { Count: > 0 } && FromTenantMap(institutionDomain, institutionCountries) is { } known)
        {
            return known;
        }

        var tld = institutionDomain[(institutionDomain.LastIndexOf('.') + 1)..];
        if (Mapped.TryGetValue(tld, out var mapped))
        {
            return mapped;
        }

        return GenericUse.Contains(tld) || !Countries.IsCountry(tld) ? null : tld.ToUpperInvariant();
    }

    /// <summary>The country of the domain or of the nearest parent domain the map names.</summary>
    private static string? FromTenantMap(string domain, IReadOnlyDictionary<string, string> map)
    {
        for (var at = domain; ; at = at[(at.IndexOf('.') + 1)..])
        {
            if (map.TryGetValue(at, out var country))
            {
                return country;
            }

            if (!at.Contains('.', StringComparison.Ordinal))
            {
                return null;
            }
        }
    }
}
