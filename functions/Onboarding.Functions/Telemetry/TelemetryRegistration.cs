using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Onboarding.Functions.Telemetry;

public static class TelemetryRegistration
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The identity the app runs as on Azure, shared with storage (empty: system-assigned).</summary>
    public const string ManagedIdentityClientIdSetting = "Storage:ManagedIdentityClientId";

    /// <summary>
    /// Exports the worker's traces, metrics and logs to Application Insights with OpenTelemetry when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set; without it, registers nothing. Makes no
    /// network call: exporters send in the background, and the credential fetches its first token
    /// at the first export, so telemetry can never fail a cold start.
    /// </summary>
    public static IHostApplicationBuilder AddOnboardingTelemetry(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }

        // Application Insights has local (key) authentication off: only Entra ID tokens are accepted.
        var clientId = builder.Configuration[ManagedIdentityClientIdSetting];
        var credential = new ManagedIdentityCredential(string.IsNullOrWhiteSpace(clientId)
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.FromUserAssignedClientId(clientId));
        void Exporter(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = connectionString;
            options.Credential = credential;
            // A sign-in service has little traffic: keep every trace, and every log (sign-in
            // failures are warnings) rather than only those of sampled traces.
            options.SamplingRatio = 1.0F;
            options.TracesPerSecond = null;
            options.EnableTraceBasedLogsSampler = false;
        }

        builder.Services.AddOpenTelemetry()
            // Function invocation spans, the app's resource (service.name from OTEL_SERVICE_NAME), and
            // a word to the host not to forward the worker's logs too, which would send each twice.
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing
                // Outgoing HTTP calls, from .NET's own HttpClient source. The host records the
                // incoming requests, without their query string (host.json).
                .AddSource("System.Net.Http")
                // Before the exporter, so that it only ever sees redacted URLs.
                .AddProcessor(new UrlRedactionProcessor())
                .AddAzureMonitorTraceExporter(Exporter))
            .WithMetrics(metrics => metrics
                // .NET's built-in meters; their attributes hold routes and host names, never a URL.
                .AddMeter("Microsoft.AspNetCore.Hosting", "System.Net.Http", "System.Runtime")
                .AddAzureMonitorMetricExporter(Exporter))
            .WithLogging(
                logging => logging.AddAzureMonitorLogExporter(Exporter),
                options => options.IncludeFormattedMessage = true);
        builder.Logging.AddFilter<OpenTelemetryLoggerProvider>(TelemetryLogPolicy.ShouldExport);
        return builder;
    }
}
