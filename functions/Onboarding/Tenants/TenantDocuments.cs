namespace Onboarding.Tenants;

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

    /// <summary>Where the platform's people get help: an https page or a mailto: address, shown on every person's page.</summary>
    public string? SupportUrl { get; init; }

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
