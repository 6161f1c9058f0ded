using Onboarding.Operations;

namespace Onboarding.LocalHost;

/// <summary>
/// <c>Onboarding.LocalHost check-tenants [tenant]</c>: the tenant check for operators, with the same
/// settings as the service (tenants file, secrets). One line per finding; exit code 0 when every
/// finding holds, 1 when one does not, 2 for a configuration the service would not even start with.
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
            var findings = await app.Services.GetRequiredService<TenantChecker>().CheckAsync(args.FirstOrDefault(), CancellationToken.None);
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
