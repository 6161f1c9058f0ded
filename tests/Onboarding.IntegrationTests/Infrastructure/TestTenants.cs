using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>The tenants test hosts serve: two on the development provider, one on the test provider, one unreachable.</summary>
public static class TestTenants
{
    private static readonly string[] Scopes =
        ["openid", "email", "eduperson_entitlement", "eduperson_scoped_affiliation", "voperson_id"];

    public static TenantDocument Demo(int servicePort) => OnDevProvider("demo", servicePort);

    public static TenantDocument Other(int servicePort) => OnDevProvider("other", servicePort);

    public static TenantDocument OnDevProvider(string realm, int servicePort) => new()
    {
        Id = realm,
        DisplayName = $"Platform {realm}",
        Issuer = $"{TestEnvironment.IdpBaseUrl}/realms/{realm}",
        ClientId = $"onboarding-{realm}",
        ClientSecretSetting = $"TenantSecrets:{realm}",
        Scopes = Scopes,
        AllowedReturnOrigins = [$"http://127.0.0.1:{servicePort}", "https://editor.openeo.cloud"],
        UserKeyClaim = "voperson_id",
    };

    public static TenantDocument Rp(TestOidcProvider provider) => new()
    {
        Id = "rp",
        DisplayName = "Relying-party checks",
        Issuer = provider.Issuer,
        ClientId = TestOidcProvider.ClientId,
        ClientSecretSetting = "TenantSecrets:rp",
        Scopes = ["openid", "email"],
        AllowedReturnOrigins = ["https://editor.openeo.cloud"],
        UserKeyClaim = "sub",
    };

    /// <summary>A tenant whose provider is down: nothing listens on its port.</summary>
    public static TenantDocument Down() => new()
    {
        Id = "down",
        Issuer = $"http://127.0.0.1:{TestEnvironment.FreePort()}/realms/down",
        ClientId = "onboarding-down",
        ClientSecretSetting = "TenantSecrets:down",
    };
}
