using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Onboarding.Functions.Telemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Onboarding.Tests.Configuration;

/// <summary>
/// Registration only: these tests never build the exporters, whose first export would ask the
/// managed identity endpoint for a token.
/// </summary>
public sealed class TelemetryRegistrationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void AddOnboardingTelemetry_NoConnectionString_RegistersNothing(string? connectionString)
    {
        var builder = Builder(connectionString);
        var before = builder.Services.Count;

        builder.AddOnboardingTelemetry();

        Assert.Equal(before, builder.Services.Count);
    }

    [Fact]
    public void AddOnboardingTelemetry_ConnectionString_RegistersEverySignalAndTellsTheHost()
    {
        var builder = Builder("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/");

        builder.AddOnboardingTelemetry();

        Assert.Contains(builder.Services, s => s.ServiceType == typeof(TracerProvider));
        Assert.Contains(builder.Services, s => s.ServiceType == typeof(MeterProvider));
        Assert.Contains(builder.Services, s => s.ServiceType == typeof(LoggerProvider));
        using var services = builder.Services.BuildServiceProvider();
        // The host stops forwarding the worker's logs, which the worker now exports itself.
        Assert.Equal(bool.TrueString, services.GetRequiredService<IOptions<WorkerOptions>>().Value.Capabilities["WorkerOpenTelemetryEnabled"]);
    }

    [Theory]
    [InlineData("Onboarding.SignIn.CallbackHandler", LogLevel.Warning, true)]
    [InlineData("Onboarding.SignIn.LoginStarter", LogLevel.Information, true)]
    [InlineData("Onboarding.SignIn.LoginStarter", LogLevel.Debug, false)]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information, false)]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Error, true)]
    [InlineData("System.Net.Http.HttpClient.partner.LogicalHandler", LogLevel.Information, false)]
    [InlineData("System.Net.Http.HttpClient.partner.LogicalHandler", LogLevel.Warning, true)]
    [InlineData("Azure.Core", LogLevel.Information, false)]
    [InlineData("Polly", LogLevel.Information, false)]
    [InlineData("Microsoft.Hosting.Lifetime", LogLevel.Information, true)]
    [InlineData("Azure.Identity", LogLevel.Information, false)]
    [InlineData("Microsoft.Azure.Functions.Worker", LogLevel.Information, true)]
    [InlineData(null, LogLevel.Critical, true)]
    [InlineData("Onboarding", LogLevel.None, false)]
    public void ShouldExport_ByCategoryAndLevel(string? category, LogLevel level, bool exported) =>
        Assert.Equal(exported, TelemetryLogPolicy.ShouldExport(category, level));

    private static HostApplicationBuilder Builder(string? connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryRegistration.ConnectionStringSetting] = connectionString,
            ["Storage:ManagedIdentityClientId"] = "11111111-1111-1111-1111-111111111111",
        });
        return builder;
    }
}
