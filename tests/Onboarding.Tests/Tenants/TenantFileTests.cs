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
            _ => Valid() with { UserKeyClaim = "email" },
        };

        var error = Assert.Throws<TenantConfigurationException>(() => TenantFile.Validate([document], Settings));

        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
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
        }).Build();

        var tenants = TenantFile.Load(Path.Combine(RepoRoot.Path, "dev", "tenants.json"), settings);

        Assert.Equal(["demo", "other"], tenants.Select(t => t.Id));
        Assert.All(tenants, t => Assert.Equal("voperson_id", t.UserKeyClaim));
    }
}
