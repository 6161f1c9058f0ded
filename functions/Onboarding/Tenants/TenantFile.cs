using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Onboarding.Status;

namespace Onboarding.Tenants;

/// <summary>
/// Reads and validates the tenants file. Every error names the field (<c>tenants[1].issuer</c>), so
/// a deployment with a bad file fails at start with a message that says what to fix.
/// </summary>
public static partial class TenantFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static IReadOnlyList<Tenant> Load(string path, IConfiguration settings)
    {
        // A relative path is looked up from the working directory (local runs), then beside the
        // app's own files (Azure, where the file ships in the package).
        if (!Path.IsPathRooted(path) && !File.Exists(path))
        {
            path = Path.Combine(AppContext.BaseDirectory, path);
        }

        if (!File.Exists(path))
        {
            throw new TenantConfigurationException($"Onboarding:TenantsFile: the file '{path}' does not exist.");
        }

        TenantFileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<TenantFileDocument>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new TenantConfigurationException($"{path}: not valid JSON ({e.Message}).");
        }

        return Validate(document?.Tenants ?? [], settings);
    }

    public static IReadOnlyList<Tenant> Validate(IReadOnlyList<TenantDocument> documents, IConfiguration settings)
    {
        if (documents.Count == 0)
        {
            throw new TenantConfigurationException("tenants: at least one tenant is required.");
        }

        var tenants = new List<Tenant>();
        for (var i = 0; i < documents.Count; i++)
        {
            var tenant = ValidateOne(documents[i], $"tenants[{i}]", settings);
            if (tenants.Any(t => t.Id == tenant.Id))
            {
                throw new TenantConfigurationException($"tenants[{i}].id: '{tenant.Id}' is used twice.");
            }

            // Bearer tokens are checked at the issuer's userinfo endpoint, which does not say which
            // client a token was issued to: two tenants on one issuer would accept each other's tokens.
            if (tenants.FirstOrDefault(t => t.Issuer == tenant.Issuer) is { } sharing)
            {
                throw new TenantConfigurationException(
                    $"tenants[{i}].issuer: tenant '{sharing.Id}' has the same issuer; each tenant needs its own, or tokens of one would open the other.");
            }

            tenants.Add(tenant);
        }

        return tenants;
    }

    private static Tenant ValidateOne(TenantDocument d, string at, IConfiguration settings)
    {
        var id = Required(d.Id, $"{at}.id");
        if (!TenantId().IsMatch(id))
        {
            throw new TenantConfigurationException($"{at}.id: '{id}' must be 2-32 lower-case letters, digits or '-'.");
        }

        var issuer = Required(d.Issuer, $"{at}.issuer");
        if (!IsSecureOrLoopback(issuer, out _))
        {
            throw new TenantConfigurationException($"{at}.issuer: must be an absolute https URL (http only on loopback).");
        }

        var secretSetting = Required(d.ClientSecretSetting, $"{at}.clientSecretSetting");
        var secret = settings[secretSetting];
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new TenantConfigurationException(
                $"{at}.clientSecretSetting: the setting '{secretSetting}' is not set (it holds the client secret).");
        }

        var authMethod = d.TokenEndpointAuthMethod ?? ClientAuthMethods.SecretBasic;
        if (!ClientAuthMethods.Supported.Contains(authMethod))
        {
            throw new TenantConfigurationException(
                $"{at}.tokenEndpointAuthMethod: '{authMethod}' is not one of {string.Join(", ", ClientAuthMethods.Supported)}.");
        }

        var trusted = new List<string>();
        for (var j = 0; j < (d.TrustedEndpointBaseAddresses?.Count ?? 0); j++)
        {
            trusted.Add(AbsoluteHttps(d.TrustedEndpointBaseAddresses![j], $"{at}.trustedEndpointBaseAddresses[{j}]"));
        }

        var scopes = d.Scopes is { Count: > 0 } ? d.Scopes : ["openid", "email"];
        if (!scopes.Contains("openid"))
        {
            throw new TenantConfigurationException($"{at}.scopes: must include 'openid'.");
        }

        var origins = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < (d.AllowedReturnOrigins?.Count ?? 0); j++)
        {
            var origin = d.AllowedReturnOrigins![j];
            if (!IsSecureOrLoopback(origin, out var uri) || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                throw new TenantConfigurationException(
                    $"{at}.allowedReturnOrigins[{j}]: '{origin}' must be an origin like https://editor.example.org.");
            }

            origins.Add(ReturnToPolicy.OriginOf(uri));
        }

        var userKeyClaim = d.UserKeyClaim ?? "sub";
        if (userKeyClaim is not ("sub" or "voperson_id"))
        {
            throw new TenantConfigurationException($"{at}.userKeyClaim: must be 'sub' or 'voperson_id'.");
        }

        var membership = ValidateMembership(d.Membership, $"{at}.membership");
        var partners = new List<PartnerSettings>();
        for (var j = 0; j < (d.Partners?.Count ?? 0); j++)
        {
            var partner = ValidatePartner(d.Partners![j], $"{at}.partners[{j}]", settings);
            if (partner.Id is StatusSteps.Account or StatusSteps.Membership || partners.Any(p => p.Id == partner.Id))
            {
                throw new TenantConfigurationException($"{at}.partners[{j}].id: '{partner.Id}' is taken.");
            }

            partners.Add(partner);
        }

        return new Tenant
        {
            Id = id,
            DisplayName = d.DisplayName ?? id,
            Issuer = issuer,
            ClientId = Required(d.ClientId, $"{at}.clientId"),
            ClientSecret = secret,
            TokenEndpointAuthMethod = authMethod,
            TrustedEndpointBaseAddresses = trusted,
            Scopes = scopes,
            AllowedReturnOrigins = origins,
            UserKeyClaim = userKeyClaim,
            PlatformUrl = d.PlatformUrl is null ? null : AbsoluteHttps(d.PlatformUrl, $"{at}.platformUrl"),
            ReturnStraightBack = d.ReturnStraightBack ?? false,
            CountryClaim = string.IsNullOrWhiteSpace(d.CountryClaim) ? null : d.CountryClaim,
            InstitutionCountries = ValidateInstitutionCountries(d.InstitutionCountries, $"{at}.institutionCountries"),
            OpenEoProviderId = string.IsNullOrWhiteSpace(d.OpenEoProviderId) ? "egi" : d.OpenEoProviderId,
            AccessTokenLifetime = d.AccessTokenLifetime ?? TimeSpan.FromHours(1),
            Membership = membership,
            Partners = partners,
            Retention = ValidateRetention(d.Retention, $"{at}.retention"),
            Staff = ValidateStaff(d.Staff, $"{at}.staff"),
            ReportSuppressBelow = d.Reports?.SuppressBelow is { } k
                ? k is >= 1 and <= 100 ? k : throw new TenantConfigurationException($"{at}.reports.suppressBelow: must be between 1 and 100.")
                : 5,
        };
    }

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

public sealed class TenantConfigurationException(string message) : Exception(message);

public sealed record TenantFileDocument(IReadOnlyList<TenantDocument>? Tenants);

/// <summary>The shape of one tenant in the tenants file (see dev/tenants.json).</summary>
public sealed record TenantDocument
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public string? Issuer { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecretSetting { get; init; }

    /// <summary><c>client_secret_basic</c> (default) or <c>client_secret_post</c>.</summary>
    public string? TokenEndpointAuthMethod { get; init; }

    /// <summary>Base addresses besides the issuer's where the provider's endpoints may be.</summary>
    public IReadOnlyList<string>? TrustedEndpointBaseAddresses { get; init; }
    public IReadOnlyList<string>? Scopes { get; init; }
    public IReadOnlyList<string>? AllowedReturnOrigins { get; init; }

    /// <summary>Where a ready person goes on to use the platform, e.g. https://editor.openeo.cloud.</summary>
    public string? PlatformUrl { get; init; }

    /// <summary>Send everyone straight back to return_to after sign-in (default false: status page first unless ready).</summary>
    public bool? ReturnStraightBack { get; init; }
    public string? UserKeyClaim { get; init; }
    public string? CountryClaim { get; init; }
    public Dictionary<string, string>? InstitutionCountries { get; init; }
    public string? OpenEoProviderId { get; init; }
    public TimeSpan? AccessTokenLifetime { get; init; }
    public MembershipDocument? Membership { get; init; }
    public IReadOnlyList<PartnerDocument>? Partners { get; init; }
    public RetentionDocument? Retention { get; init; }
    public StaffDocument? Staff { get; init; }
    public ReportsDocument? Reports { get; init; }
}

public sealed record ReportsDocument
{
    /// <summary>Counts below this in a breakdown show as "&lt;n" (default 5; 1 turns suppression off).</summary>
    public int? SuppressBelow { get; init; }
}

/// <summary>Entitlement values that make someone staff of the tenant.</summary>
public sealed record StaffDocument
{
    public IReadOnlyList<string>? Support { get; init; }
    public IReadOnlyList<string>? Operator { get; init; }
}

public sealed record RetentionDocument
{
    /// <summary>Days after the last sign-in that personal data is kept (default 365).</summary>
    public int? PersonalDataDays { get; init; }

    /// <summary>Days that staff audit entries are kept (default 540, the EGI draft's 18 months).</summary>
    public int? AuditDays { get; init; }
}

public sealed record MembershipDocument
{
    public string? Vo { get; init; }
    public IReadOnlyList<string>? Namespaces { get; init; }
    public IReadOnlyList<string>? Authorities { get; init; }
    public IReadOnlyList<string>? Roles { get; init; }
    public bool? AcceptMembershipWithoutRole { get; init; }
    public string? EnrolmentUrl { get; init; }
    public string? RoleUrl { get; init; }
}

public sealed record PartnerDocument
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
    public string? AdminBaseUrl { get; init; }
    public string? Realm { get; init; }
    public string? IdpAlias { get; init; }
    public string? TokenEndpoint { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecretSetting { get; init; }
    public string? LinkUrl { get; init; }
    public TimeSpan? CacheFor { get; init; }
    public TimeSpan? RecheckFor { get; init; }
}
