using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Operations;
using Onboarding.SignIn;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Providers;

/// <summary>
/// The tenant check operators run when adding a platform (README: adding a tenant), against the
/// development provider, Glewlwyd and a provider whose answers the test controls.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class TenantCheckTests
{
    private static async Task<IReadOnlyList<TenantFinding>> CheckAsync(TenantDocument tenant, IDictionary<string, string?>? settings = null,
        TenantCheckDepth depth = TenantCheckDepth.Full)
    {
        await using var service = await ServiceHost.StartAsync([tenant], TestEnvironment.ServicePort, settings: settings);
        return await service.Services.GetRequiredService<TenantChecker>().CheckAsync(tenant.Id, depth, TestContext.Current.CancellationToken);
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
        Assert.Contains("refused (401 invalid_client): check clientId and the secret", credentials.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetadataDepth_OnlyDiscoveryKeysAndTheOfferedMethod_NoTokenEndpointNoPartner()
    {
        await using var provider = await TestOidcProvider.StartAsync();

        var findings = await CheckAsync(TestTenants.RpWithSlowPartner(provider), depth: TenantCheckDepth.Metadata);

        Assert.Equal(["discovery", "keys", "client authentication", "registration"], findings.Select(f => f.Check));
        Assert.All(findings, f => Assert.True(f.Holds, $"{f.Check}: {f.Message}"));
        Assert.Equal(0, provider.TokenRequests);
    }

    [Fact(Timeout = 30_000)]
    public async Task AtStart_OnlyTheHarmlessChecks_NoSecretEverSentToTheTokenEndpoint()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        // A wrong secret, so that the probes, if they ran, would send both it and a made-up one.
        await using var service = await ServiceHost.StartAsync([TestTenants.Rp(provider)], settings: new Dictionary<string, string?>
        {
            ["Onboarding:CheckTenantsAtStart"] = "true",
            ["TenantSecrets:rp"] = "not-the-secret",
        });

        while (!service.Logs.Lines.Any(l => l.Contains("Tenant check at start (discovery and keys) done", StringComparison.Ordinal)))
        {
            Assert.Equal(0, provider.TokenRequests);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, provider.TokenRequests);
        Assert.True(provider.JwksRequests > 0, "the key set was not read");
        Assert.Contains("1 tenant(s), 0 finding(s) that do not hold", service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProviderThatThrottlesAfterARefusedSecret_StillRefused_NotTakenForAccepted()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        provider.ThrottleAfterFailedClientAuthentication = true;

        var findings = await CheckAsync(TestTenants.Rp(provider), new Dictionary<string, string?> { ["TenantSecrets:rp"] = "not-the-secret" });

        // The wrong secret's 429 differs from the real one's 401, which once passed for "accepted".
        var credentials = Assert.Single(findings, f => f.Check == "client credentials");
        Assert.False(credentials.Holds, credentials.Message);
        Assert.StartsWith("refused (401 invalid_client)", credentials.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneTenantsCheckFailingPartWay_KeepsItsFindings_TheOthersAreStillChecked()
    {
        await using var provider = await TestOidcProvider.StartAsync();
        var tenants = new[] { TestTenants.Rp(provider), TestTenants.Demo(TestEnvironment.ServicePort) }; // rp is checked first
        await using var service = await ServiceHost.StartAsync(tenants, TestEnvironment.ServicePort, services: s =>
            s.AddHttpClient(ProviderMetadata.HttpClientName).AddHttpMessageHandler(() => new CutOffTokenRequests(new Uri(provider.Issuer))));

        var findings = await service.Services.GetRequiredService<TenantChecker>().CheckAsync(null, TenantCheckDepth.Full, TestContext.Current.CancellationToken);

        var rp = findings.Where(f => f.Tenant == "rp").ToList();
        Assert.Equal(["discovery", "keys", "client authentication", "check"], rp.Select(f => f.Check));
        Assert.Equal("the check of this tenant stopped: TaskCanceledException", rp[^1].Message);
        Assert.False(rp[^1].Holds);
        var demo = findings.Where(f => f.Tenant == "demo").ToList();
        Assert.Equal(["discovery", "keys", "client authentication", "client credentials", "registration", "partner terrascope"], demo.Select(f => f.Check));
        Assert.All(demo, f => Assert.True(f.Holds, $"{f.Check}: {f.Message}"));
    }

    [Fact]
    public async Task Command_ATenantTheFileDoesNotHave_SaysSo_ExitCode2()
    {
        var (code, output) = await RunCommandAsync(TestEnvironment.DemoClientSecret, "unknownname");

        Assert.Equal(2, code);
        Assert.Contains("check-tenants: there is no tenant 'unknownname' in ", output, StringComparison.Ordinal);
        Assert.Contains("its tenants are: demo", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    /// <summary>The token endpoint of one provider cut off mid-request, as a time-out of the client's own does (not a provider's answer).</summary>
    private sealed class CutOffTokenRequests(Uri issuer) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Method == HttpMethod.Post && request.RequestUri?.Authority == issuer.Authority
                ? throw new TaskCanceledException("cut off")
                : base.SendAsync(request, cancellationToken);
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
    private static async Task<(int ExitCode, string Output)> RunCommandAsync(string clientSecret, string tenant = "demo")
    {
        var tenantsFile = Path.Combine(Path.GetTempPath(), $"tenants-check-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(tenantsFile, JsonSerializer.Serialize(new { tenants = new[] { TestTenants.Demo(TestEnvironment.ServicePort) } }));
        try
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Onboarding.LocalHost.dll"), "check-tenants", tenant])
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
