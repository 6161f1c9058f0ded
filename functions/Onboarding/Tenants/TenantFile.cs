using System.Text.Json;
using Microsoft.Extensions.Configuration;

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
            if (partner.Id is BuiltInSteps.Account or BuiltInSteps.Membership || partners.Any(p => p.Id == partner.Id))
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
            SupportUrl = d.SupportUrl is null ? null : SupportAddress(d.SupportUrl, $"{at}.supportUrl"),
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
}
