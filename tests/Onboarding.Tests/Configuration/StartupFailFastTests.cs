using System.Text.Json;
using Onboarding.Functions;
using Onboarding.LocalHost;

namespace Onboarding.Tests.Configuration;

/// <summary>
/// Starting the host with a bad setting stops with a message that names it, and starting makes no
/// network call: storage, the identity provider and the partner all point at a trap that would notice.
/// </summary>
public sealed class StartupFailFastTests : IDisposable
{
    private readonly LoopbackTrap _trap = new();
    private readonly string _tenantsFile = Path.Combine(Path.GetTempPath(), $"tenants-config-{Guid.NewGuid():N}.json");

    public StartupFailFastTests() => WriteTenants(Tenant());

    [Fact]
    public async Task StartAsync_ValidSettings_StartsWithoutAnyCall()
    {
        var settings = Settings();
        settings["Onboarding:CheckTenantsAtStart"] = "false"; // the background check calls out by design: below
        settings["Onboarding:BackfillSearchIndexAtStart"] = "false"; // so does the search index backfill, in the background
        await using var app = LocalFunctionHost.Build([], settings);

        await app.StartAsync(TestContext.Current.CancellationToken);
        await app.StopAsync(TestContext.Current.CancellationToken);

        Assert.False(_trap.WasContacted);
    }

    [Fact]
    public async Task StartAsync_TenantCheckAtStart_CallsTheProviderOnlyInTheBackground_TheStartNeverWaitsForIt()
    {
        // The trap accepts connections and never answers: a start that waited for the check would hang.
        await using var app = LocalFunctionHost.Build([], Settings());

        await app.StartAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        for (var i = 0; i < 100 && !_trap.WasContacted; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(_trap.WasContacted); // the check ran, after the start
        await app.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("Privacy:HmacSecret", null, "Privacy:HmacSecret")]
    [InlineData("Privacy:HmacSecret", "", "Privacy:HmacSecret")]
    [InlineData("Privacy:HmacSecret", "dG9vIHNob3J0", "Privacy:HmacSecret")]
    [InlineData("Onboarding:PublicBaseUrl", null, "PublicBaseUrl")]
    [InlineData("Onboarding:PublicBaseUrl", "", "PublicBaseUrl")]
    [InlineData("Onboarding:PublicBaseUrl", "onboarding.example.org", "Onboarding:PublicBaseUrl")]
    [InlineData("Onboarding:PublicBaseUrl", "http://onboarding.example.org", "Onboarding:PublicBaseUrl")]
    [InlineData("Onboarding:PublicBaseUrl", "ftp://onboarding.example.org/", "Onboarding:PublicBaseUrl")]
    [InlineData("Onboarding:TenantsFile", "/nonexistent/tenants.json", "Onboarding:TenantsFile")]
    [InlineData("TenantSecrets:cfg", null, "tenants[0].clientSecretSetting")]
    [InlineData("PartnerSecrets:cfgpartner", "", "tenants[0].partners[0].clientSecretSetting")]
    [InlineData("Storage:ConnectionString", null, "Storage:ConnectionString")]
    [InlineData("Privacy:PurgeSchedule", null, "Privacy:PurgeSchedule")]
    public async Task StartAsync_BadSetting_FailsNamingItWithoutAnyCall(string setting, string? value, string named)
    {
        var error = await StartFailingAsync(setting, value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.False(_trap.WasContacted);
    }

    [Theory]
    [InlineData("issuer", "tenants[0].issuer")]
    [InlineData("partnerTokenEndpoint", "tenants[0].partners[0].tokenEndpoint")]
    [InlineData("membership", "tenants[0].membership")]
    public async Task StartAsync_BadTenantsFile_FailsNamingTheField(string broken, string field)
    {
        WriteTenants(broken switch
        {
            "issuer" => Tenant(issuer: "http://aai.egi.eu/auth/realms/egi"),
            "partnerTokenEndpoint" => Tenant(tokenEndpoint: "ftp://sso.example.org/token"),
            _ => Tenant(withMembership: false),
        });

        var error = await StartFailingAsync();

        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
        Assert.False(_trap.WasContacted);
    }

    [Fact]
    public async Task StartAsync_TenantsFileNotJson_FailsNamingTheFile()
    {
        await File.WriteAllTextAsync(_tenantsFile, "{ \"tenants\": [", TestContext.Current.CancellationToken);

        var error = await StartFailingAsync();

        Assert.Contains(_tenantsFile, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _trap.Dispose();
        File.Delete(_tenantsFile);
    }

    private async Task<Exception> StartFailingAsync(string? setting = null, string? value = null)
    {
        var settings = Settings();
        if (setting is not null)
        {
            settings[setting] = value;
        }

        await using var app = LocalFunctionHost.Build([], settings);
        return await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));
    }

    // Every setting the host reads, so that values exported by ./test.sh or ./run.sh (a null here
    // overrides them too) cannot hide a missing one.
    private Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Onboarding:PublicBaseUrl"] = "https://onboarding.example.org",
            ["Onboarding:TenantsFile"] = _tenantsFile,
            ["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + $"AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint={_trap.Url}/devstoreaccount1;",
            ["Storage:TableServiceUri"] = null,
            ["Storage:TablePrefix"] = "cfg",
            ["Privacy:HmacSecret"] = Convert.ToBase64String(new byte[32]),
            ["Privacy:PurgeSchedule"] = "0 0 3 * * *",
            ["TenantSecrets:cfg"] = "tenant-client-secret",
            ["PartnerSecrets:cfgpartner"] = "partner-client-secret",
            // The tests read the failure from the exception; the host's own report of it is noise.
            ["Logging:LogLevel:Default"] = "None",
        };
        // A timer that came due during a test would rightly touch storage.
        foreach (var timer in FunctionCatalog.Discover(typeof(FunctionsRegistration).Assembly).Timers)
        {
            settings[$"AzureWebJobs.{timer.Name}.Disabled"] = "true";
        }

        return settings;
    }

    private object Tenant(string? issuer = null, string? tokenEndpoint = null, bool withMembership = true) => new
    {
        id = "cfg",
        issuer = issuer ?? $"{_trap.Url}/realms/cfg",
        clientId = "onboarding-cfg",
        clientSecretSetting = "TenantSecrets:cfg",
        userKeyClaim = "voperson_id",
        membership = withMembership
            ? new { vo = "vo.openeo.cloud", enrolmentUrl = "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud" }
            : null,
        partners = new[]
        {
            new
            {
                id = "cfgpartner",
                adminBaseUrl = _trap.Url,
                realm = "cfg",
                idpAlias = "egi",
                tokenEndpoint = tokenEndpoint ?? $"{_trap.Url}/realms/cfg/protocol/openid-connect/token",
                clientId = "onboarding",
                clientSecretSetting = "PartnerSecrets:cfgpartner",
                linkUrl = "https://portal.example.org/",
            },
        },
    };

    private void WriteTenants(object tenant) =>
        File.WriteAllText(_tenantsFile, JsonSerializer.Serialize(new { tenants = new[] { tenant } }));
}
