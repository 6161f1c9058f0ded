using Onboarding.Tenants;

namespace Onboarding.Tests;

/// <summary>Tenants for tests of logic.</summary>
public static class TenantFactory
{
    public static MembershipPolicy OpenEoMembership(bool acceptWithoutRole = false) => new()
    {
        Vo = "vo.openeo.cloud",
        Namespaces = new HashSet<string> { "urn:mace:egi.eu", "urn:mace:egi-dev.eu" },
        Authorities = new HashSet<string> { "aai.egi.eu", "aai.egi-dev.eu" },
        Roles = ["30-Day-Trial", "Early_Adopter", "Basic_User", "Professional_User", "University_Student",
            "University_Group_License", "Platform_Developer"],
        AcceptMembershipWithoutRole = acceptWithoutRole,
        EnrolmentUrl = "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud",
    };

    public static PartnerSettings Terrascope() => new()
    {
        Id = "terrascope",
        DisplayName = "Terrascope",
        AdminBaseUrl = new Uri("https://sso.terrascope.be/auth"),
        Realm = "terrascope",
        IdpAlias = "egi",
        TokenEndpoint = new Uri("https://sso.terrascope.be/auth/realms/terrascope/protocol/openid-connect/token"),
        ClientId = "onboarding",
        ClientSecret = "secret",
        LinkUrl = "https://portal.terrascope.be/",
    };

    public static Tenant Create(string id = "demo", string[]? origins = null, string? countryClaim = null,
        string userKeyClaim = "voperson_id", bool acceptWithoutRole = false, bool withPartner = true) => new()
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
        Membership = OpenEoMembership(acceptWithoutRole),
        Partners = withPartner ? [Terrascope()] : [],
    };
}
