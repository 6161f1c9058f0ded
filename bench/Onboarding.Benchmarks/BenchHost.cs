using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Onboarding.LocalHost;
using Onboarding.SignIn;
using Onboarding.Tenants;

namespace Onboarding.Benchmarks;

/// <summary>What bench.sh started: Azurite, the development provider and partner, the ports and secrets.</summary>
internal sealed record BenchEnvironment(string Storage, string Idp, string Partner, int[] Ports, string DemoSecret, string HmacSecret)
{
    public string Issuer => $"{Idp}/realms/demo";

    public static BenchEnvironment FromVariables() => new(
        Required("BENCH_STORAGE"), Required("BENCH_IDP"), Required("BENCH_PARTNER"),
        Required("BENCH_PORTS").Split(',').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        Required("DEMO_CLIENT_SECRET"), Required("Privacy__HmacSecret"));

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the benchmark with ./bench.sh, which starts what it needs.");
}

/// <summary>
/// The service as the integration tests host it (tests/…/ServiceHost.cs): the local function host over
/// the Functions app, on a loopback port, with its own table prefix, tenant "demo" on the development
/// provider with the Terrascope-like partner. Every storage request is metered (<see cref="StorageMeter"/>),
/// every request to it gets a <see cref="RequestScope"/>, and warnings and errors it logs are counted.
/// Its timers are off: the purge, sign-in state clean-up and partner re-checks run on fixed schedules
/// (03:00, every 10 and 15 minutes) that would land in one run and not the next; the uptake drain (every
/// 15 s) is run by the benchmark itself between measurements, so that one host's drain never lands in
/// the other's figures (both share Azurite's one thread) and its cost is measured on its own.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    public const string Tenant = "demo";

    private readonly WebApplication _app;
    private readonly string _tenantsFile;

    private BenchHost(WebApplication app, string name, int port, string prefix, string tenantsFile, HostMeter meter, LogCounter logs,
        TableServiceClient tables)
    {
        _app = app;
        _tenantsFile = tenantsFile;
        Name = name;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        TablePrefix = prefix;
        Meter = meter;
        Logs = logs;
        Tables = tables;
    }

    public string Name { get; }
    public Uri BaseUrl { get; }
    public string TablePrefix { get; }
    public HostMeter Meter { get; }
    public LogCounter Logs { get; }

    /// <summary>A client of the same storage account without the meter: the benchmark's own reads and writes.</summary>
    public TableServiceClient Tables { get; }

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public TableClient Table(string name) => Tables.GetTableClient(TablePrefix + name);

    public Uri CallbackUrl => new(BaseUrl, $"api/tenants/{Tenant}/callback");

    public static async Task<BenchHost> StartAsync(BenchEnvironment env, string name, int port)
    {
        var prefix = name + Guid.NewGuid().ToString("N")[..8];
        var tenantsFile = Path.Combine(Path.GetTempPath(), $"bench-tenants-{prefix}.json");
        await File.WriteAllTextAsync(tenantsFile, JsonSerializer.Serialize(new { tenants = new[] { Demo(env, port) } }));
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Onboarding:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Onboarding:TenantsFile"] = tenantsFile,
            ["Onboarding:CheckTenantsAtStart"] = "false",
            ["Onboarding:BackfillSearchIndexAtStart"] = "false",
            // Every simulated person comes from 127.0.0.1: the per-client limits (RateLimitTests
            // prove them) would measure the limiter, not the service.
            ["RateLimits:LoginsPerClientPerMinute"] = "100000",
            ["RateLimits:StaffLoginsPerClientPerMinute"] = "100000",
            ["RateLimits:LoginsPerTenantPerSecond"] = "1000000",
            ["RateLimits:RefusedTokensPerClientPerMinute"] = "100000",
            ["Storage:ConnectionString"] = env.Storage,
            ["Storage:TablePrefix"] = prefix,
            ["Privacy:HmacSecret"] = env.HmacSecret,
            ["Privacy:PurgeSchedule"] = "0 0 3 * * *",
            ["Reports:OperatorTenant"] = Tenant,
            ["Reports:OperatorEntitlement"] = "urn:mace:egi.eu:group:vo.openeo.cloud:role=operator#aai.egi.eu",
            ["TenantSecrets:demo"] = env.DemoSecret,
            ["PartnerSecrets:terrascope"] = Environment.GetEnvironmentVariable("PARTNER_CLIENT_SECRET"),
            ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
            ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
            ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
            ["AzureWebJobs.DrainUptake.Disabled"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        var meter = new HostMeter();
        var logs = new LogCounter();
        var options = new TableClientOptions();
        options.AddPolicy(new StorageMeter(meter, prefix), HttpPipelinePosition.PerRetry);
        var app = LocalFunctionHost.Build([], settings, services =>
        {
            services.RemoveAll<ILoggerProvider>(); // no console: stdout is the results table
            // No console lifetime: Ctrl-C or SIGTERM end the benchmark process, not only its hosts.
            services.AddSingleton<IHostLifetime, ProcessLifetime>();
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton(options);
            services.AddSingleton<IStartupFilter>(new ScopeStartupFilter(meter));
            services.AddHttpClient(ProviderMetadata.HttpClientName).AddHttpMessageHandler(() => new ProviderTimer());
        });
        await app.StartAsync();
        return new BenchHost(app, name, port, prefix, tenantsFile, meter, logs, new TableServiceClient(env.Storage));
    }

    /// <summary>Tenant demo as the integration tests configure it (TestTenants.Demo), on this host's port.</summary>
    private static TenantDocument Demo(BenchEnvironment env, int port) => new()
    {
        Id = Tenant,
        DisplayName = "Platform demo",
        Issuer = env.Issuer,
        ClientId = "onboarding-demo",
        ClientSecretSetting = "TenantSecrets:demo",
        Scopes = ["openid", "email", "eduperson_entitlement", "eduperson_scoped_affiliation", "voperson_id"],
        AllowedReturnOrigins = [$"http://127.0.0.1:{port}", "https://editor.openeo.cloud"],
        PlatformUrl = "https://editor.openeo.cloud/",
        UserKeyClaim = "voperson_id",
        Membership = new MembershipDocument
        {
            Vo = "vo.openeo.cloud",
            Namespaces = ["urn:mace:egi.eu", "urn:mace:egi-dev.eu"],
            Authorities = ["aai.egi.eu", "aai.egi-dev.eu"],
            Roles = Seeder.Roles,
            EnrolmentUrl = "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud",
        },
        Partners =
        [
            new PartnerDocument
            {
                Id = "terrascope",
                DisplayName = "Terrascope",
                AdminBaseUrl = env.Partner,
                Realm = "terrascope",
                IdpAlias = "egi",
                TokenEndpoint = $"{env.Issuer}/protocol/openid-connect/token",
                ClientId = "terrascope-partner",
                ClientSecretSetting = "PartnerSecrets:terrascope",
                LinkUrl = "https://portal.terrascope.be/",
            },
        ],
        Staff = new StaffDocument
        {
            Support = ["urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu"],
            Operator = ["urn:mace:egi.eu:group:vo.openeo.cloud:role=operator#aai.egi.eu"],
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_tenantsFile);
    }
}

/// <summary>A host lifetime that leaves the process's signals alone: the benchmark owns the process.</summary>
internal sealed class ProcessLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Counts what the service logs at Warning and above, keeping the first few messages of each kind.</summary>
internal sealed class LogCounter : ILoggerProvider, ILogger
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Counts => _counts;

    public int Total => _counts.Values.Sum();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            var message = formatter(state, exception);
            _counts.AddOrUpdate(message.Length > 140 ? message[..140] : message, 1, (_, n) => n + 1);
        }
    }

    public void Dispose()
    {
    }
}
