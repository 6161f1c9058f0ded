using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Onboarding.Tenants;

/// <summary>The tenants file's sections (countries, retention, membership, partners, staff) and the checks they share.</summary>
public static partial class TenantFile
{
    private static Dictionary<string, string> ValidateInstitutionCountries(Dictionary<string, string>? d, string at)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (domain, country) in d ?? [])
        {
            if (!DomainName().IsMatch(domain))
            {
                throw new TenantConfigurationException($"{at}: '{domain}' is not a domain name like uni-bonn.de.");
            }

            if (!Common.Countries.IsCountry(country))
            {
                throw new TenantConfigurationException($"{at}.{domain}: '{country}' is not an ISO 3166 country code like DE.");
            }

            map[domain.ToLowerInvariant()] = country.ToUpperInvariant();
        }

        return map;
    }

    private static StaffPolicy ValidateStaff(StaffDocument? d, string at)
    {
        var map = new Dictionary<string, StaffRole>(StringComparer.OrdinalIgnoreCase);
        foreach (var (role, values, field) in new[] { (StaffRole.Support, d?.Support, "support"), (StaffRole.Operator, d?.Operator, "operator") })
        {
            for (var j = 0; j < (values?.Count ?? 0); j++)
            {
                if (Entitlement.Parse(values![j]) is null)
                {
                    throw new TenantConfigurationException($"{at}.{field}[{j}]: '{values[j]}' is not an entitlement value.");
                }

                map[values[j]] = role;
            }
        }

        return new StaffPolicy { Entitlements = map };
    }

    private static RetentionPolicy ValidateRetention(RetentionDocument? d, string at)
    {
        var personal = d?.PersonalDataDays ?? 365;
        var audit = d?.AuditDays ?? 540;
        if (personal is < 1 or > 3650)
        {
            throw new TenantConfigurationException($"{at}.personalDataDays: must be between 1 and 3650.");
        }

        if (audit is < 1 or > 3650)
        {
            throw new TenantConfigurationException($"{at}.auditDays: must be between 1 and 3650.");
        }

        return new RetentionPolicy(TimeSpan.FromDays(personal), TimeSpan.FromDays(audit));
    }

    private static MembershipPolicy ValidateMembership(MembershipDocument? d, string at)
    {
        if (d is null)
        {
            throw new TenantConfigurationException($"{at}: is required (the virtual organisation and its enrolment page).");
        }

        return new MembershipPolicy
        {
            Vo = Required(d.Vo, $"{at}.vo"),
            Namespaces = (d.Namespaces is { Count: > 0 } ns ? ns : ["urn:mace:egi.eu"]).ToHashSet(StringComparer.Ordinal),
            Authorities = (d.Authorities is { Count: > 0 } au ? au : ["aai.egi.eu"]).ToHashSet(StringComparer.Ordinal),
            Roles = d.Roles ?? [],
            AcceptMembershipWithoutRole = d.AcceptMembershipWithoutRole ?? false,
            EnrolmentUrl = AbsoluteHttps(d.EnrolmentUrl, $"{at}.enrolmentUrl"),
            RoleUrl = d.RoleUrl is null ? null : AbsoluteHttps(d.RoleUrl, $"{at}.roleUrl"),
        };
    }

    private static PartnerSettings ValidatePartner(PartnerDocument d, string at, IConfiguration settings)
    {
        var id = Required(d.Id, $"{at}.id");
        if (!TenantId().IsMatch(id))
        {
            throw new TenantConfigurationException($"{at}.id: '{id}' must be 2-32 lower-case letters, digits or '-'.");
        }

        var secretSetting = Required(d.ClientSecretSetting, $"{at}.clientSecretSetting");
        return new PartnerSettings
        {
            Id = id,
            DisplayName = d.DisplayName ?? id,
            AdminBaseUrl = new Uri(AbsoluteHttps(d.AdminBaseUrl, $"{at}.adminBaseUrl")),
            Realm = Required(d.Realm, $"{at}.realm"),
            IdpAlias = Required(d.IdpAlias, $"{at}.idpAlias"),
            TokenEndpoint = new Uri(AbsoluteHttps(d.TokenEndpoint, $"{at}.tokenEndpoint")),
            ClientId = Required(d.ClientId, $"{at}.clientId"),
            ClientSecret = settings[secretSetting] is { Length: > 0 } secret
                ? secret
                : throw new TenantConfigurationException(
                    $"{at}.clientSecretSetting: the setting '{secretSetting}' is not set (it holds the partner client secret)."),
            LinkUrl = AbsoluteHttps(d.LinkUrl, $"{at}.linkUrl"),
            CacheFor = d.CacheFor ?? TimeSpan.FromMinutes(10),
            RecheckFor = d.RecheckFor ?? TimeSpan.FromDays(14),
        };
    }

    private static string AbsoluteHttps(string? value, string at) =>
        IsSecureOrLoopback(Required(value, at), out _)
            ? value!
            : throw new TenantConfigurationException($"{at}: must be an absolute https URL (http only on loopback).");

    /// <summary>A help address people may follow: an https page (http on loopback) or a mailto: address.</summary>
    internal static string SupportAddress(string value, string at) =>
        IsSecureOrLoopback(value, out _) || (Uri.TryCreate(value, UriKind.Absolute, out var mail) && mail.Scheme == Uri.UriSchemeMailto && value.Contains('@', StringComparison.Ordinal))
            ? value
            : throw new TenantConfigurationException($"{at}: must be an absolute https URL or a mailto: address.");

    private static string Required(string? value, string at) =>
        string.IsNullOrWhiteSpace(value) ? throw new TenantConfigurationException($"{at}: is required.") : value;

    internal static bool IsSecureOrLoopback(string value, out Uri uri)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out uri!))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);
    }

    [GeneratedRegex(@"^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$", RegexOptions.IgnoreCase)]
    private static partial Regex DomainName();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,31}$")]
    private static partial Regex TenantId();
}
