using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Onboarding.Operations;

/// <summary>
/// The tenant check once at start, in the background: each finding that does not hold is a warning
/// naming the tenant. It never blocks the start or the other tenants (a cold start makes no call it
/// waits for). <c>Onboarding:CheckTenantsAtStart=false</c> turns it off.
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
            foreach (var finding in (await checker.CheckAsync(null, stoppingToken)).Where(f => !f.Holds))
            {
                LogFinding(finding.Tenant, finding.Check, finding.Message);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckFailed(e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant check: tenant {Tenant}, {Check}: {Message}")]
    private partial void LogFinding(string tenant, string check, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant check at start could not run: {Failure}")]
    private partial void LogCheckFailed(string failure);
}
