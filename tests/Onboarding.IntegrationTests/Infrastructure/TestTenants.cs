using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>The tenants test hosts serve: two on the development provider, one on the test provider, one unreachable.</summary>
public static class TestTenants
{
    private static readonly string[] Scopes =
        ["openid", "email", "eduperson_entitlement", "eduperson_scoped_affiliation", "voperson_id"];

    public static readonly MembershipDocument OpenEoMembership = new()
    {
        Vo = "vo.openeo.cloud",
        Namespaces = ["urn:mace:egi.eu", "urn:mace:egi-dev.eu"],
        Authorities = ["aai.egi.eu", "aai.egi-dev.eu"],
        Roles = ["30-Day-Trial", "Early_Adopter", "Basic_User", "Professional_User", "University_Student",
            "University_Group_License", "Platform_Developer"],
        EnrolmentUrl = "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud",
    };

    /// <summary>The development partner service (Terrascope-like), or a dead address when <paramref name="down"/>.</summary>
    public static PartnerDocument Terrascope(bool down = false) => new()
    {
        Id = "terrascope",
        DisplayName = "Terrascope",
        AdminBaseUrl = down ? $"http://127.0.0.1:{TestEnvironment.FreePort()}" : TestEnvironment.PartnerBaseUrl,
        Realm = "terrascope",
        IdpAlias = "egi",
        TokenEndpoint = $"{TestEnvironment.IdpBaseUrl}/realms/demo/protocol/openid-connect/token",
        ClientId = "terrascope-partner",
        ClientSecretSetting = "PartnerSecrets:terrascope",
        LinkUrl = "https://portal.terrascope.be/",
    };

    /// <summary>Tenant demo: the development provider's demo realm, with Terrascope as partner.</summary>
    public static TenantDocument Demo(int servicePort) => OnDevProvider("demo", servicePort) with
    {
        Partners = [Terrascope()],
        InstitutionCountries = new() { ["eodc.eu"] = "AT" }, // as dev/tenants.json: .eu says no country
    };

    /// <summary>Tenant other: its own realm and client; its partner is down, to show a partner outage never blocks a sign-in.</summary>
    public static TenantDocument Other(int servicePort) => OnDevProvider("other", servicePort) with { Partners = [Terrascope(down: true)] };

    public static TenantDocument OnDevProvider(string realm, int servicePort) => new()
    {
        Id = realm,
        DisplayName = $"Platform {realm}",
        Issuer = $"{TestEnvironment.IdpBaseUrl}/realms/{realm}",
        ClientId = $"onboarding-{realm}",
        ClientSecretSetting = $"TenantSecrets:{realm}",
        Scopes = Scopes,
        AllowedReturnOrigins = [$"http://127.0.0.1:{servicePort}", "https://editor.openeo.cloud"],
        PlatformUrl = "https://editor.openeo.cloud/",
        UserKeyClaim = "voperson_id",
        Membership = OpenEoMembership,
        Staff = new StaffDocument
        {
            Support = ["urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu"],
            Operator = ["urn:mace:egi.eu:group:vo.openeo.cloud:role=operator#aai.egi.eu"],
        },
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
        Membership = OpenEoMembership,
    };

    /// <summary>Like <see cref="Rp"/>, with a partner whose admin API answers far too slowly.</summary>
    public static TenantDocument RpWithSlowPartner(TestOidcProvider provider) => Rp(provider) with
    {
        Id = "slow",
        Partners =
        [
            new PartnerDocument
            {
                Id = "slowpartner",
                DisplayName = "Slow partner",
                AdminBaseUrl = $"{provider.BaseUrl}/slow-partner",
                Realm = "slow",
                IdpAlias = "egi",
                TokenEndpoint = $"{provider.Issuer}/token",
                ClientId = TestOidcProvider.ClientId,
                ClientSecretSetting = "TenantSecrets:rp",
                LinkUrl = "https://partner.example.org/link",
            },
        ],
    };

    /// <summary>
    /// Tenant glewlwyd: Glewlwyd's OpenID plugin as the issuer, with one of its seeded clients
    /// (<c>onboarding-glewlwyd</c> RS256, <c>-es256</c>, <c>-ps256</c>), as a platform would configure it:
    /// with <c>client_secret_post</c>, since Glewlwyd 2.7 does not decode a Basic secret of <c>+ / =</c>.
    /// </summary>
    public static TenantDocument Glewlwyd(string clientId = "onboarding-glewlwyd", string authMethod = "client_secret_post") => new()
    {
        Id = "glewlwyd",
        DisplayName = "Platform on Glewlwyd",
        Issuer = TestEnvironment.GlewlwydIssuer,
        ClientId = clientId,
        ClientSecretSetting = "TenantSecrets:glewlwyd",
        TokenEndpointAuthMethod = authMethod,
        Scopes = Scopes,
        AllowedReturnOrigins = [$"http://127.0.0.1:{TestEnvironment.ServicePort}"],
        UserKeyClaim = "voperson_id",
        Membership = OpenEoMembership,
    };

    /// <summary>A tenant whose provider is down: nothing listens on its port.</summary>
    public static TenantDocument Down() => new()
    {
        Id = "down",
        Issuer = $"http://127.0.0.1:{TestEnvironment.FreePort()}/realms/down",
        ClientId = "onboarding-down",
        ClientSecretSetting = "TenantSecrets:down",
        Membership = OpenEoMembership,
    };
}
