using Microsoft.Extensions.Configuration;
using Onboarding.Tenants;

namespace Onboarding.Tests.Tenants;

public sealed class TenantFileTests
{
    private static readonly IConfiguration Settings = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["TenantSecrets:demo"] = "s3cret" })
        .Build();

    private static TenantDocument Valid() => new()
    {
        Id = "demo",
        Issuer = "https://aai.egi.eu/auth/realms/egi",
        ClientId = "client",
        ClientSecretSetting = "TenantSecrets:demo",
        AllowedReturnOrigins = ["https://editor.openeo.cloud"],
        UserKeyClaim = "voperson_id",
        Membership = new MembershipDocument
        {
            Vo = "vo.openeo.cloud",
            EnrolmentUrl = "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud",
        },
    };

    [Fact]
    public void Validate_ValidTenant_ResolvesSecretAndNormalisesOrigins()
    {
        var tenant = Assert.Single(TenantFile.Validate([Valid() with { AllowedReturnOrigins = ["https://Editor.openeo.cloud/"] }], Settings));

        Assert.Equal("s3cret", tenant.ClientSecret);
        Assert.Contains("https://editor.openeo.cloud", tenant.AllowedReturnOrigins);
        Assert.Equal(["openid", "email"], tenant.Scopes);
        Assert.DoesNotContain("s3cret", tenant.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id", "tenants[0].id")]
    [InlineData("issuer", "tenants[0].issuer")]
    [InlineData("httpIssuer", "tenants[0].issuer")]
    [InlineData("clientId", "tenants[0].clientId")]
    [InlineData("secret", "tenants[0].clientSecretSetting")]
    [InlineData("origin", "tenants[0].allowedReturnOrigins[0]")]
    [InlineData("scopes", "tenants[0].scopes")]
    [InlineData("userKey", "tenants[0].userKeyClaim")]
    [InlineData("membership", "tenants[0].membership")]
    [InlineData("vo", "tenants[0].membership.vo")]
    [InlineData("enrolment", "tenants[0].membership.enrolmentUrl")]
    [InlineData("partnerSecret", "tenants[0].partners[0].clientSecretSetting")]
    [InlineData("partnerId", "tenants[0].partners[0].id")]
    public void Validate_BadField_ErrorNamesTheField(string broken, string field)
    {
        var document = broken switch
        {
            "id" => Valid() with { Id = "Demo Tenant" },
            "issuer" => Valid() with { Issuer = null },
            "httpIssuer" => Valid() with { Issuer = "http://aai.egi.eu/auth/realms/egi" },
            "clientId" => Valid() with { ClientId = "" },
            "secret" => Valid() with { ClientSecretSetting = "TenantSecrets:missing" },
            "origin" => Valid() with { AllowedReturnOrigins = ["https://editor.openeo.cloud/path"] },
            "scopes" => Valid() with { Scopes = ["email"] },
            "userKey" => Valid() with { UserKeyClaim = "email" },
            "membership" => Valid() with { Membership = null },
            "vo" => Valid() with { Membership = Valid().Membership! with { Vo = " " } },
            "enrolment" => Valid() with { Membership = Valid().Membership! with { EnrolmentUrl = "http://aai.egi.eu/enrol" } },
            "partnerSecret" => Valid() with { Partners = [Partner() with { ClientSecretSetting = "PartnerSecrets:missing" }] },
            _ => Valid() with { Partners = [Partner() with { Id = "membership" }] },
        };

        var error = Assert.Throws<TenantConfigurationException>(() => TenantFile.Validate([document], Settings));

        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
    }

    private static PartnerDocument Partner() => new()
    {
        Id = "terrascope",
        AdminBaseUrl = "https://sso.terrascope.be/auth",
        Realm = "terrascope",
        IdpAlias = "egi",
        TokenEndpoint = "https://sso.terrascope.be/auth/realms/terrascope/protocol/openid-connect/token",
        ClientId = "onboarding",
        ClientSecretSetting = "TenantSecrets:demo",
        LinkUrl = "https://portal.terrascope.be/",
    };

    [Fact]
    public void Validate_Partner_ResolvesItsSecretAndDefaults()
    {
        var tenant = Assert.Single(TenantFile.Validate([Valid() with { Partners = [Partner()] }], Settings));

        var partner = Assert.Single(tenant.Partners);
        Assert.Equal("s3cret", partner.ClientSecret);
        Assert.Equal(TimeSpan.FromDays(14), partner.RecheckFor);
        Assert.Equal(["urn:mace:egi.eu"], tenant.Membership.Namespaces);
    }

    [Fact]
    public void Validate_InstitutionCountries_NormalisedAndUsed()
    {
        var tenant = Assert.Single(TenantFile.Validate([Valid() with { InstitutionCountries = new() { ["EODC.eu"] = "at" } }], Settings));

        Assert.Equal("AT", tenant.InstitutionCountries["eodc.eu"]);
        Assert.Equal("AT", Onboarding.Users.CountryResolver.Resolve(null, "eodc.eu", tenant.InstitutionCountries));
    }

    [Theory]
    [InlineData("eodc.eu", "Austria", "tenants[0].institutionCountries.eodc.eu")]
    [InlineData("eodc.eu", "EU", "tenants[0].institutionCountries.eodc.eu")]
    [InlineData("not a domain", "AT", "tenants[0].institutionCountries")]
    [InlineData("localhost", "AT", "tenants[0].institutionCountries")]
    public void Validate_InstitutionCountries_RefusesWhatIsNotADomainAndACountry(string domain, string country, string field)
    {
        var error = Assert.Throws<TenantConfigurationException>(() =>
            TenantFile.Validate([Valid() with { InstitutionCountries = new() { [domain] = country } }], Settings));
        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoTenantsOnOneIssuer_Refused()
    {
        var error = Assert.Throws<TenantConfigurationException>(() => TenantFile.Validate([Valid(), Valid() with { Id = "other" }], Settings));
        Assert.StartsWith("tenants[1].issuer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateIds_Refused()
    {
        var error = Assert.Throws<TenantConfigurationException>(() => TenantFile.Validate([Valid(), Valid()], Settings));
        Assert.StartsWith("tenants[1].id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesTheSetting()
    {
        var error = Assert.Throws<TenantConfigurationException>(() => TenantFile.Load("/nonexistent/tenants.json", Settings));
        Assert.Contains("Onboarding:TenantsFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TheDemoTenantsFile_IsValid()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TenantSecrets:demo"] = "a",
            ["TenantSecrets:other"] = "b",
            ["PartnerSecrets:terrascope"] = "c",
        }).Build();

        var tenants = TenantFile.Load(Path.Combine(RepoRoot.Path, "dev", "tenants.json"), settings);

        Assert.Equal(["demo", "other"], tenants.Select(t => t.Id));
        Assert.All(tenants, t => Assert.Equal("voperson_id", t.UserKeyClaim));
    }
}
