using Onboarding.Tenants;

namespace Onboarding.Tests;

/// <summary>Tenants for tests of logic.</summary>
public static class TenantFactory
{
    public static Tenant Create(string id = "demo", string[]? origins = null, string? countryClaim = null,
        string userKeyClaim = "voperson_id") => new()
    {
        Id = id,
        DisplayName = id,
        Issuer = "https://aai.egi.eu/auth/realms/egi",
        ClientId = "client-" + id,
        ClientSecret = "secret",
        Scopes = ["openid", "email"],
        AllowedReturnOrigins = (origins ?? []).ToHashSet(),
        UserKeyClaim = userKeyClaim,
        CountryClaim = countryClaim,
    };
}
