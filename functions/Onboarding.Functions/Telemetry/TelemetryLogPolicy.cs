using Microsoft.Extensions.Logging;

namespace Onboarding.Functions.Telemetry;

/// <summary>
/// Which log records the app exports, by category: the worker's own levels, as host.json's apply
/// only to the host. The service's own logs carry no personal data (tenant, pseudonymous reference,
/// reason); framework logs can, so only their warnings go out.
/// </summary>
public static class TelemetryLogPolicy
{
    // Most specific prefix first. Sign-in failures are warnings of Onboarding.SignIn.CallbackHandler.
    private static readonly (string Category, LogLevel Minimum)[] Minimums =
    [
        ("Onboarding", LogLevel.Information),
        // "Request starting GET …/callback?code=…&state=…": the full URL, query included.
        ("Microsoft.AspNetCore", LogLevel.Warning),
        // "Sending HTTP request GET …/users?idpUserId=…": addresses of outgoing calls.
        ("System.Net.Http.HttpClient", LogLevel.Warning),
        ("Azure", LogLevel.Warning),
        ("Polly", LogLevel.Warning),
    ];

    public static bool ShouldExport(string? category, LogLevel level) =>
        level != LogLevel.None && level >= MinimumFor(category);

    private static LogLevel MinimumFor(string? category)
    {
        foreach (var (prefix, minimum) in Minimums)
        {
            if (category is not null && (category == prefix || category.StartsWith(prefix + ".", StringComparison.Ordinal)))
            {
                return minimum;
            }
        }

        return LogLevel.Information;
    }
}
