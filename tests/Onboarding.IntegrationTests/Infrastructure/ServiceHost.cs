using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Onboarding.LocalHost;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// The service as ./run.sh runs it (the local function host over the Functions app), on a loopback
/// port, with its own tables in Azurite so tests do not see each other's data.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public const string HmacSecret = "dGVzdC1obWFjLXNlY3JldC10aGF0LWlzLTMyLWJ5dGVzISE=";

    private readonly WebApplication _app;
    private readonly string _tenantsFile;

    private ServiceHost(WebApplication app, int port, string tablePrefix, string tenantsFile, CapturedLogs logs)
    {
        _app = app;
        _tenantsFile = tenantsFile;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        TablePrefix = tablePrefix;
        Logs = logs;
    }

    public Uri BaseUrl { get; }

    /// <summary>The prefix of this host's tables: another host started with it serves the same data (a restart, a second instance).</summary>
    public string TablePrefix { get; }
    public CapturedLogs Logs { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<ServiceHost> StartAsync(IEnumerable<object> tenants, int? port = null,
        TimeProvider? time = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        string? tablePrefix = null)
    {
        var chosenPort = port ?? TestEnvironment.FreePort();
        tablePrefix ??= "t" + Guid.NewGuid().ToString("N")[..12];
        var tenantsFile = Path.Combine(Path.GetTempPath(), $"tenants-{tablePrefix}.json");
        await File.WriteAllTextAsync(tenantsFile, JsonSerializer.Serialize(new { tenants }));

        var all = Settings(chosenPort, tablePrefix, tenantsFile);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var logs = new CapturedLogs();
        var app = LocalFunctionHost.Build([], all, collection =>
        {
            collection.AddSingleton<ILoggerProvider>(logs);
            if (time is not null)
            {
                collection.Replace(ServiceDescriptor.Singleton(time));
            }

            services?.Invoke(collection);
        });
        await app.StartAsync();
        return new ServiceHost(app, chosenPort, tablePrefix, tenantsFile, logs);
    }

    /// <summary>The settings a test service runs with (before a test's own): its port, tables and tenants file, the test secrets, logging of everything.</summary>
    public static Dictionary<string, string?> Settings(int port, string tablePrefix, string tenantsFile) =>
        new()
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Onboarding:PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Onboarding:TenantsFile"] = tenantsFile,
            ["Storage:ConnectionString"] = TestEnvironment.StorageConnectionString,
            ["Storage:TablePrefix"] = tablePrefix,
            ["Privacy:HmacSecret"] = HmacSecret,
            ["Privacy:PurgeSchedule"] = "0 0 3 * * *",
            // Its own tests run it; elsewhere its probes would reach the tests' providers unasked.
            ["Onboarding:CheckTenantsAtStart"] = "false",
            ["Onboarding:BackfillSearchIndexAtStart"] = "false",
            // Everything here comes from 127.0.0.1: the limits are out of the way except in RateLimitTests.
            ["RateLimits:LoginsPerClientPerMinute"] = "100000",
            ["RateLimits:StaffLoginsPerClientPerMinute"] = "100000",
            ["RateLimits:LoginsPerTenantPerSecond"] = "1000000",
            ["RateLimits:RefusedTokensPerClientPerMinute"] = "100000",
            ["Reports:OperatorTenant"] = "demo",
            ["Reports:OperatorEntitlement"] = "urn:mace:egi.eu:group:vo.openeo.cloud:role=operator#aai.egi.eu",
            ["TenantSecrets:demo"] = Environment.GetEnvironmentVariable("DEMO_CLIENT_SECRET"),
            ["TenantSecrets:other"] = Environment.GetEnvironmentVariable("OTHER_CLIENT_SECRET"),
            ["TenantSecrets:rp"] = TestOidcProvider.ClientSecret,
            ["TenantSecrets:down"] = "unused-secret",
            ["TenantSecrets:glewlwyd"] = Environment.GetEnvironmentVariable("GLEWLWYD_CLIENT_SECRET"),
            ["PartnerSecrets:terrascope"] = Environment.GetEnvironmentVariable("PARTNER_CLIENT_SECRET"),
            // Capture everything a production sink could see, framework categories included.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:System"] = "Trace",
        };

    public TableClient Table(string name) =>
        new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient(TablePrefix + name);

    /// <summary>All user entities of a tenant, read straight from storage.</summary>
    public async Task<List<UserEntity>> UsersAsync(string tenant)
    {
        var users = new List<UserEntity>();
        try
        {
            var (first, last) = (Onboarding.Storage.Partitions.All(tenant).First(), Onboarding.Storage.Partitions.All(tenant).Last());
            await foreach (var user in Table("users").QueryAsync<UserEntity>(
                TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey le {last} and RowKey lt {Onboarding.Storage.Outbox.Prefix}")))
            {
                users.Add(user);
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // Table not created yet: nothing was ever written.
        }

        return users;
    }

    /// <summary>Counts what was recorded so far into the uptake counters, as the drain timer would.</summary>
    public Task<int> DrainUptakeAsync() =>
        Services.GetRequiredService<Onboarding.Uptake.UptakeDrain>().RunAsync(TestContext.Current.CancellationToken);

    /// <summary>Runs a timer function once, as its schedule would.</summary>
    public async Task RunTimerAsync(string name)
    {
        var scheduler = Services.GetRequiredService<Onboarding.LocalHost.TimerFunctionScheduler>();
        await scheduler.InvokeAsync(scheduler.Schedules.Single(s => s.Function.Name == name).Function, TestContext.Current.CancellationToken);
    }

    /// <summary>The uptake report's totals of the service clock's current month, as counted so far.</summary>
    public async Task<Onboarding.Uptake.UptakeCounts> ThisMonthAsync(string tenant)
    {
        var now = Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var month = now.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var months = await Services.GetRequiredService<Onboarding.Uptake.UptakeReports>().ReadAsync(
            Services.GetRequiredService<Onboarding.Tenants.TenantCatalog>().Get(tenant),
            Onboarding.Uptake.ReportQuery.Parse(month, month, null, now), TestContext.Current.CancellationToken);
        return months.Single().Totals;
    }

    public async Task<int> CountAsync(string table)
    {
        var count = 0;
        try
        {
            await foreach (var _ in Table(table).QueryAsync<TableEntity>())
            {
                count++;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_tenantsFile);
    }
}
