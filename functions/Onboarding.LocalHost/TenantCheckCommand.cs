using Onboarding.Operations;

namespace Onboarding.LocalHost;

/// <summary>
/// <c>Onboarding.LocalHost check-tenants [tenant]</c>: the whole tenant check for operators
/// (<see cref="TenantCheckDepth.Full"/>: also the client credentials at the token endpoint and the
/// partners' service accounts), with the same settings as the service (tenants file, secrets). One
/// line per finding; exit code 0 when every finding holds, 1 when one does not, 2 for a configuration
/// the service would not even start with, or a tenant the tenants file does not have.
/// </summary>
public static class TenantCheckCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = LocalFunctionHost.Build([], new Dictionary<string, string?> { ["Onboarding:CheckTenantsAtStart"] = "false" });
            app.Services.GetRequiredService<Onboarding.Tenants.TenantCatalog>();
        }
        catch (Exception e) when (e is Onboarding.Tenants.TenantConfigurationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync("configuration: " + e.Message);
            return 2;
        }

        await using (app)
        {
            var tenantId = args.FirstOrDefault();
            var catalog = app.Services.GetRequiredService<Onboarding.Tenants.TenantCatalog>();
            if (tenantId is not null && catalog.Find(tenantId) is null)
            {
                var tenantsFile = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Onboarding.SignIn.SignInOptions>>().Value.TenantsFile;
                await Console.Error.WriteLineAsync($"check-tenants: there is no tenant '{tenantId}' in {tenantsFile}; "
                    + $"its tenants are: {string.Join(", ", catalog.All.Select(t => t.Id).Order(StringComparer.Ordinal))}");
                return 2;
            }

            var findings = await app.Services.GetRequiredService<TenantChecker>().CheckAsync(tenantId, TenantCheckDepth.Full, CancellationToken.None);
            foreach (var f in findings)
            {
                Console.WriteLine($"{(f.Holds ? "ok  " : "FAIL")} {f.Tenant,-12} {f.Check,-22} {f.Message}");
            }

            var failed = findings.Count(f => !f.Holds);
            Console.WriteLine(failed == 0 ? $"all {findings.Count} checks hold" : $"{failed} of {findings.Count} checks do not hold");
            return failed == 0 ? 0 : 1;
        }
    }
}
