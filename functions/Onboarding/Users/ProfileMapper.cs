using System.Text.Json;
using System.Text.RegularExpressions;
using Onboarding.Tenants;

namespace Onboarding.Users;

/// <summary>Turns userinfo claims into a <see cref="SignInProfile"/>.</summary>
public static partial class ProfileMapper
{
    /// <param name="subject">The user key when it is known otherwise (a token without the claim,
    /// found through the person's earlier sign-in); by default the tenant's user-key claim.</param>
    /// <returns>The profile, or null when the tenant's user-key claim is missing.</returns>
    public static SignInProfile? Map(Tenant tenant, JsonElement claims, string? subject = null)
    {
        subject ??= Text(claims, tenant.UserKeyClaim);
        if (string.IsNullOrWhiteSpace(subject))
        {
            return null;
        }

        var institution = InstitutionOf(Strings(claims, "eduperson_scoped_affiliation"));
        var country = CountryResolver.Resolve(
            tenant.CountryClaim is null ? null : Text(claims, tenant.CountryClaim), institution);
        var email = Text(claims, "email")?.Trim();
        return new SignInProfile(tenant.Issuer, subject, string.IsNullOrEmpty(email) ? null : email, institution, country);
    }

    /// <summary>
    /// The institution is the scope (domain) of the scoped affiliation, e.g. <c>member@vito.be</c>
    /// gives <c>vito.be</c>. Check-in has no institution claim of its own.
    /// </summary>
    public static string? InstitutionOf(IEnumerable<string> scopedAffiliations)
    {
        foreach (var value in scopedAffiliations)
        {
            var at = value.LastIndexOf('@');
            if (at <= 0)
            {
                continue;
            }

            var domain = value[(at + 1)..].Trim().ToLowerInvariant();
            if (Domain().IsMatch(domain))
            {
                return domain;
            }
        }

        return null;
    }

    public static string? Text(JsonElement claims, string name) =>
        claims.ValueKind == JsonValueKind.Object
        && claims.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A claim that may be a single string or an array of strings.</summary>
    public static IReadOnlyList<string> Strings(JsonElement claims, string name)
    {
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(name, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray()
                .Where(v => v.ValueKind == JsonValueKind.String)
                .Select(v => v.GetString()!)
                .ToList(),
            _ => [],
        };
    }

    [GeneratedRegex(@"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex Domain();
}
