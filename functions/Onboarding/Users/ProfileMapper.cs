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
        // A user key is an identifier, not a text: bounded and printable, or the claims are refused.
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength || !IsPlain(subject))
        {
            return null;
        }

        var institution = InstitutionOf(Strings(claims, "eduperson_scoped_affiliation"));
        var country = CountryResolver.Resolve(
            tenant.CountryClaim is null ? null : Text(claims, tenant.CountryClaim), institution, tenant.InstitutionCountries);
        var email = EmailOf(claims);
        return new SignInProfile(tenant.Issuer, subject, email, institution, country, email is null ? null : EmailVerifiedOf(claims, email));
    }

    private const int MaxSubjectLength = 256;

    /// <summary>
    /// The email claim when it is an address the service may store and show: at most 254 characters
    /// (RFC 5321), one <c>@</c>, no control, format (bidi overrides, zero-width) or surrogate characters
    /// (a right-to-left override would make <c>alice@vito.be\u202Egro.live</c> read as another
    /// domain on the staff pages). Otherwise no email is stored: the person's page says it was not shared.
    /// </summary>
    public static string? EmailOf(JsonElement claims)
    {
        var email = Text(claims, "email")?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 254 || !IsPlain(email))
        {
            return null;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1 && !email.Any(char.IsWhiteSpace) ? email : null;
    }

    /// <summary>
    /// Whether the provider verified the email: <c>email_verified</c> (OIDC Core §5.1; a boolean, or the
    /// string some providers send), or the address listed in Check-in's <c>voperson_verified_email</c>.
    /// Null when the provider says nothing either way.
    /// </summary>
    public static bool? EmailVerifiedOf(JsonElement claims, string email)
    {
        if (Strings(claims, "voperson_verified_email").Any(v => string.Equals(v.Trim(), email, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty("email_verified", out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when string.Equals(StringOf(value), "true", StringComparison.OrdinalIgnoreCase) => true,
            JsonValueKind.String when string.Equals(StringOf(value), "false", StringComparison.OrdinalIgnoreCase) => false,
            _ => null,
        };
    }

    private static bool IsPlain(string value) => !value.Any(c =>
        char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD'
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.OtherNotAssigned);

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
            ? StringOf(value)
            : null;

    /// <summary>A JSON string, or null when it holds invalid UTF-16 (an escaped lone surrogate), which the reader refuses to decode.</summary>
    private static string? StringOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A claim that may be a single string or an array of strings.</summary>
    public static IReadOnlyList<string> Strings(JsonElement claims, string name)
    {
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(name, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => StringOf(value) is { } one ? [one] : [],
            JsonValueKind.Array => value.EnumerateArray()
                .Where(v => v.ValueKind == JsonValueKind.String)
                .Select(StringOf)
                .OfType<string>()
                .ToList(),
            _ => [],
        };
    }

    [GeneratedRegex(@"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex Domain();
}
