namespace Onboarding.Tenants;

/// <summary>
/// A partner back-end whose own account must be linked to the person's identity (Terrascope), and
/// how to ask its Keycloak admin API about it.
/// </summary>
public sealed class PartnerSettings
{
    public required string Id { get; init; }
    public required string DisplayName { get; init; }

    /// <summary>Keycloak base address, e.g. <c>https://sso.terrascope.be/auth</c>.</summary>
    public required Uri AdminBaseUrl { get; init; }
    public required string Realm { get; init; }

    /// <summary>The alias of the identity provider (Check-in) in the partner's realm.</summary>
    public required string IdpAlias { get; init; }

    /// <summary>Token endpoint for the partner's service account (client credentials).</summary>
    public required Uri TokenEndpoint { get; init; }
    public required string ClientId { get; init; }
    public required string ClientSecret { get; init; }

    /// <summary>Where the person links their account.</summary>
    public required string LinkUrl { get; init; }

    /// <summary>How long an answer about one user is reused.</summary>
    public TimeSpan CacheFor { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>For how long after sign-up a timer keeps re-checking an unlinked user.</summary>
    public TimeSpan RecheckFor { get; init; } = TimeSpan.FromDays(14);

    public override string ToString() => $"Partner {Id}";
}
