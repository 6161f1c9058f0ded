namespace Onboarding.Tenants;

/// <summary>One platform served by this deployment, validated at start-up.</summary>
public sealed class Tenant
{
    public required string Id { get; init; }
    public required string DisplayName { get; init; }

    /// <summary>The provider's issuer, compared exactly (no trailing-slash forgiveness).</summary>
    public required string Issuer { get; init; }
    public required string ClientId { get; init; }

    /// <summary>Resolved from the setting the tenant file names; never written anywhere.</summary>
    public required string ClientSecret { get; init; }

    /// <summary>
    /// How the client authenticates at the token endpoint: <c>client_secret_basic</c> (default) or
    /// <c>client_secret_post</c>. Basic encodes the secret as RFC 6749 §2.3.1 says; some providers
    /// (LemonLDAP::NG 2.16, Keycloak before about 20) do not decode it, and want post for secrets with <c>+ / =</c>.
    /// </summary>
    public string TokenEndpointAuthMethod { get; init; } = ClientAuthMethods.SecretBasic;

    /// <summary>
    /// Base addresses other than the issuer's where the provider's endpoints may live (as Google's
    /// and Cognito's do). Discovery refuses endpoints anywhere else.
    /// </summary>
    public IReadOnlyList<string> TrustedEndpointBaseAddresses { get; init; } = [];
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>
    /// Origins (scheme://host[:port]) that <c>return_to</c> may point at; the same origins may call
    /// the JSON API from a browser (CORS), as the openEO web editor does.
    /// </summary>
    public required IReadOnlySet<string> AllowedReturnOrigins { get; init; }

    /// <summary>Where a person who is ready goes on to use the platform (the status page links there).</summary>
    public string? PlatformUrl { get; init; }

    /// <summary>Where the platform's people get help (https or mailto:), shown on the person's pages; null: the deployment's, if any.</summary>
    public string? SupportUrl { get; init; }

    /// <summary>
    /// True to send everyone straight back to <c>return_to</c> after sign-in, ready or not. False
    /// (the default): a person who is not ready sees their status page first, with a link on.
    /// </summary>
    public bool ReturnStraightBack { get; init; }

    /// <summary>The claim that identifies a person at this issuer: <c>sub</c> or <c>voperson_id</c>.</summary>
    public required string UserKeyClaim { get; init; }

    /// <summary>A claim holding an ISO country code, when the tenant's provider has one.</summary>
    public string? CountryClaim { get; init; }

    /// <summary>Institution domains (and their subdomains) whose country the domain does not say: the tenant names it.</summary>
    public IReadOnlyDictionary<string, string> InstitutionCountries { get; init; } = new Dictionary<string, string>();

    /// <summary>The id clients use in openEO bearer tokens: <c>Bearer oidc/&lt;id&gt;/&lt;token&gt;</c>.</summary>
    public string OpenEoProviderId { get; init; } = "egi";

    /// <summary>How long the provider's access tokens live, when a token does not say (opaque tokens).</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    public required MembershipPolicy Membership { get; init; }

    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Default;

    /// <summary>Which entitlements make someone support staff or an operator of this tenant.</summary>
    public StaffPolicy Staff { get; init; } = StaffPolicy.None;

    /// <summary>In report breakdowns, counts below this show as "&lt;n" (totals stay exact).</summary>
    public int ReportSuppressBelow { get; init; } = 5;

    /// <summary>Partner back-ends whose accounts must be linked, in the order their steps are shown.</summary>
    public IReadOnlyList<PartnerSettings> Partners { get; init; } = [];

    public string MetadataAddress => Issuer.TrimEnd('/') + "/.well-known/openid-configuration";

    // Keeps the secret out of any log line or exception message that prints a tenant.
    public override string ToString() => $"Tenant {Id}";
}
