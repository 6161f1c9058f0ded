using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Operations;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Providers;

/// <summary>
/// The tenant check operators run when adding a platform (README: adding a tenant), against the
/// development provider, Glewlwyd and a provider whose answers the test controls.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class TenantCheckTests
{
    private static async Task<IReadOnlyList<TenantFinding>> CheckAsync(TenantDocument tenant, IDictionary<string, string?>? settings = null)
    {
        await using var service = await ServiceHost.StartAsync([tenant], TestEnvironment.ServicePort, settings: settings);
        return await service.Services.GetRequiredService<TenantChecker>().CheckAsync(tenant.Id, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task DevProviderTenant_EveryCheckHolds_PartnerIncluded()
    {
        var findings = await CheckAsync(TestTenants.Demo(TestEnvironment.ServicePort));

        Assert.All(findings, f => Assert.True(f.Holds, $"{f.Check}: {f.Message}"));
        Assert.Equal(["discovery", "keys", "client authentication", "client credentials", "registration", "partner terrascope"],
            findings.Select(f => f.Check));
    }

    [Fact]
    public async Task GlewlwydTenant_EveryCheckHolds() =>
        Assert.All(await CheckAsync(TestTenants.Glewlwyd()), f => Assert.True(f.Holds, $"{f.Check}: {f.Message}"));

    [Fact]
    public async Task Glewlwyd_BasicWithASecretOfPlusSlashEquals_Refused_TheCheckSaysToUsePost()
    {
        var findings = await CheckAsync(TestTenants.Glewlwyd(authMethod: "client_secret_basic"));

        var credentials = Assert.Single(findings, f => f.Check == "client credentials");
        Assert.False(credentials.Holds);
        Assert.Contains("wants client_secret_post", credentials.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongClientSecret_ClientCredentialsRefused_SaysWhatToCheck()
    {
        var findings = await CheckAsync(TestTenants.Demo(TestEnvironment.ServicePort),
            new Dictionary<string, string?> { ["TenantSecrets:demo"] = "not-the-secret" });

        var credentials = Assert.Single(findings, f => f.Check == "client credentials");
        Assert.False(credentials.Holds);
        Assert.Contains("refused (401 invalid_client), as a wrong secret is", credentials.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssuerWithATrailingSlashTheProviderDoesNotHave_DiscoveryFails_NamingBoth()
    {
        var issuer = $"{TestEnvironment.IdpBaseUrl}/realms/demo";

        var findings = await CheckAsync(TestTenants.Demo(TestEnvironment.ServicePort) with { Issuer = issuer + "/" });

        var discovery = Assert.Single(findings);
        Assert.False(discovery.Holds);
        Assert.Contains($"'{issuer}'", discovery.Message, StringComparison.Ordinal);
        Assert.Contains($"'{issuer}/'", discovery.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_PrintsOneLinePerCheck_ExitCodeSaysWhetherAllHold()
    {
        var (good, goodOutput) = await RunCommandAsync(TestEnvironment.DemoClientSecret);
        var (bad, badOutput) = await RunCommandAsync("not-the-secret");

        Assert.True(good == 0, goodOutput);
        Assert.Contains("all 6 checks hold", goodOutput, StringComparison.Ordinal);
        Assert.Equal(1, bad);
        Assert.Contains("FAIL demo", badOutput, StringComparison.Ordinal);
        Assert.Contains("1 of 6 checks do not hold", badOutput, StringComparison.Ordinal);
    }

    /// <summary>The command as an operator runs it: the local host's assembly with the service's settings in the environment.</summary>
    private static async Task<(int ExitCode, string Output)> RunCommandAsync(string clientSecret)
    {
        var tenantsFile = Path.Combine(Path.GetTempPath(), $"tenants-check-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(tenantsFile, JsonSerializer.Serialize(new { tenants = new[] { TestTenants.Demo(TestEnvironment.ServicePort) } }));
        try
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Onboarding.LocalHost.dll"), "check-tenants", "demo"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["Onboarding__PublicBaseUrl"] = $"http://127.0.0.1:{TestEnvironment.ServicePort}";
            start.Environment["Onboarding__TenantsFile"] = tenantsFile;
            start.Environment["Storage__ConnectionString"] = TestEnvironment.StorageConnectionString;
            start.Environment["Privacy__HmacSecret"] = ServiceHost.HmacSecret;
            start.Environment["Privacy__PurgeSchedule"] = "0 0 3 * * *";
            start.Environment["TenantSecrets__demo"] = clientSecret;
            start.Environment["PartnerSecrets__terrascope"] = Environment.GetEnvironmentVariable("PARTNER_CLIENT_SECRET");
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (process.ExitCode, await output + await errors);
        }
        finally
        {
            File.Delete(tenantsFile);
        }
    }
}
