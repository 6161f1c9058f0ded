using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Onboarding.Operations;

/// <summary>
/// The harmless part of the tenant check (<see cref="TenantCheckDepth.Metadata"/>: discovery, keys, the
/// client authentication offered) once at start, in the background: each finding that does not hold
/// is a warning naming the tenant. It never blocks the start or the other tenants (a cold start makes
/// no call it waits for), and never calls a token endpoint: the probes with the client's secret, and
/// with a wrong one, run only when an operator asks (<c>check-tenants</c>), not at every cold start.
/// <c>Onboarding:CheckTenantsAtStart=false</c> turns it off.
/// </summary>
internal sealed partial class TenantCheckAtStart(TenantChecker checker, IConfiguration settings, ILogger<TenantCheckAtStart> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!bool.TryParse(settings["Onboarding:CheckTenantsAtStart"], out var enabled) ? false : !enabled)
        {
            return;
        }

        try
        {
            var findings = await checker.CheckAsync(null, TenantCheckDepth.Metadata, stoppingToken);
            foreach (var finding in findings.Where(f => !f.Holds))
            {
                LogFinding(finding.Tenant, finding.Check, finding.Message);
            }

            LogDone(findings.Select(f => f.Tenant).Distinct().Count(), findings.Count(f => !f.Holds));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckFailed(e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant check: tenant {Tenant}, {Check}: {Message}")]
    private partial void LogFinding(string tenant, string check, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant check at start (discovery and keys) done: {Tenants} tenant(s), {Failed} finding(s) that do not hold")]
    private partial void LogDone(int tenants, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant check at start could not run: {Failure}")]
    private partial void LogCheckFailed(string failure);
}
