using System.Net;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;
using Onboarding.Uptake;

namespace Onboarding.IntegrationTests.Reports;

/// <summary>Counts the service's writes to entities of the uptake table (not the drain's transactions, not reads).</summary>
public sealed class UptakeEntityWrites : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Get && message.Request.Uri.Path.Contains("uptake(", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _count);
        }
    }
}

/// <summary>
/// Failed sign-ins are tallied in memory (no write per anonymous request) and flushed to each
/// instance's own shard rows on a short timer and at stop; the drain counts the shards. A kill -9 loses
/// only what came after the last flush; two instances tallying and draining at once count exactly;
/// a flood writes one row per flush interval.
/// </summary>
public sealed class FailedSignInShardTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;

    private TenantDocument Tenant => TestTenants.Rp(_provider);

    public async ValueTask InitializeAsync() => _provider = await TestOidcProvider.StartAsync();

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    private static Dictionary<string, string?> Settings(string flushInterval) => new()
    {
        ["Uptake:FailureFlushInterval"] = flushInterval,
        ["AzureWebJobs.DrainUptake.Disabled"] = "true", // counted only where a test drains
        ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
        ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
        ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
    };

    /// <summary>Bad callbacks (a state this service never sealed): each a failed sign-in, LoginAttemptUnknown.</summary>
    private static async Task FailAsync(Uri service, int count, int parallel = 4)
    {
        using var http = new HttpClient { BaseAddress = service };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = TestContext.Current.CancellationToken },
            async (i, ct) =>
            {
                using var refused = await http.GetAsync($"api/tenants/rp/callback?code=c&state=forged{i}", ct);
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            });
    }

    /// <summary>The failure shard rows of the tables, straight from storage: what each tallied, counted, and whether it is pending.</summary>
    private static async Task<List<(string Row, long Tally, long Counted, bool Pending)>> ShardsAsync(string tablePrefix)
    {
        var table = new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient(tablePrefix + "uptake");
        var shards = new List<(string, long, long, bool)>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {"f|"} and RowKey lt {"f}"}"),
                cancellationToken: TestContext.Current.CancellationToken))
            {
                shards.Add((row.RowKey, Sum(row.GetString("Tally")), Sum(row.GetString("Counted")), row.GetBoolean("Pending") ?? false));
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // no table yet: nothing flushed
        }

        return shards;

        static long Sum(string? json) => json is null ? 0 : JsonSerializer.Deserialize<Dictionary<string, long>>(json)!.Values.Sum();
    }

    /// <summary>Waits (real time) until the shards hold <paramref name="tallied"/> failures in all; false if they never do.</summary>
    private static async Task<bool> FlushedAsync(string tablePrefix, long tallied, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if ((await ShardsAsync(tablePrefix)).Sum(s => s.Tally) >= tallied)
            {
                return true;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return false;
    }

    [Fact]
    public async Task KilledWithSigkill_AfterAFlush_NothingTalliedBeforeItIsLost()
    {
        const int before = 40, after = 10;
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var tenantsFile = Path.Combine(Path.GetTempPath(), $"tenants-{prefix}-process.json");
        await File.WriteAllTextAsync(tenantsFile, JsonSerializer.Serialize(new { tenants = new[] { Tenant } }), TestContext.Current.CancellationToken);
        var port = TestEnvironment.FreePort();
        var settings = ServiceHost.Settings(port, prefix, tenantsFile);
        foreach (var (key, value) in Settings("00:00:01"))
        {
            settings[key] = value;
        }

        settings["Logging:LogLevel:Default"] = "Information";
        settings["Logging:LogLevel:Microsoft"] = "Warning";
        settings["Logging:LogLevel:System"] = "Warning";
        settings.Remove("Logging:LogLevel:Microsoft.AspNetCore");
        Directory.CreateDirectory(TestEnvironment.Artifacts);
        var log = Path.Combine(TestEnvironment.Artifacts, "failed-sign-in-kill.log");
        File.Delete(log);
        await using (var process = new LocalHostProcess(port, settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!), log))
        {
            await process.StartAsync();
            await FailAsync(process.BaseUrl, before);
            // A flush within the second (the process's own timer: nothing here asks it to).
            var flushed = await FlushedAsync(prefix, before, TimeSpan.FromSeconds(15));

            // More failures, and the kill at once: these are within the window, and may be lost.
            await FailAsync(process.BaseUrl, after);
            await process.KillAsync();
            var atKill = (await ShardsAsync(prefix)).Sum(s => s.Tally);
            var outcome = $"flushed before the kill: {flushed}; shards hold {atKill} of {before + after}; lost with the process: {before + after - atKill}";
            TestContext.Current.TestOutputHelper?.WriteLine(outcome);
            await File.AppendAllTextAsync(log, $"--- test: {outcome}\n", TestContext.Current.CancellationToken);
            Assert.InRange(atKill, flushed ? before : 0, before + after);

            // Another instance (the test's own host, on the same tables) drains: every flushed failure counts, once.
            await using var next = await ServiceHost.StartAsync([Tenant], tablePrefix: prefix, settings: Settings("00:00:01"));
            await next.RunTimerAsync("DrainUptake");
            await next.RunTimerAsync("DrainUptake");
            var month = await next.ThisMonthAsync("rp");
            Assert.True(month.FailedSignIns >= before,
                $"{month.FailedSignIns} failed sign-ins counted of the {before} tallied a flush before the kill -9 (flushed: {flushed})");
            Assert.Equal(atKill, month.FailedSignIns);
            Assert.All(await ShardsAsync(prefix), s => Assert.Equal((s.Tally, false), (s.Counted, s.Pending)));
        }

        File.Delete(tenantsFile);
    }

    [Fact]
    public async Task TwoInstances_TallyingAndDrainingAtOnce_CountEachFailureOnce()
    {
        const int each = 150;
        await using var a = await ServiceHost.StartAsync([Tenant], settings: Settings("00:00:00.2"));
        await using var b = await ServiceHost.StartAsync([Tenant], tablePrefix: a.TablePrefix, settings: Settings("00:00:00.2"));
        var counted = 0L;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        async Task DrainAsync(ServiceHost host)
        {
            // What the drain does for failures (its instance's flush, then every shard counted), in a loop;
            // two loops per instance, beside each instance's own flush timer.
            var (shards, counting) = (host.Services.GetRequiredService<FailureShards>(), host.Services.GetRequiredService<FailedSignInCounting>());
            while (!stop.IsCancellationRequested)
            {
                await shards.FlushAsync(TestContext.Current.CancellationToken);
                Interlocked.Add(ref counted, await counting.CountAsync("rp", TestContext.Current.CancellationToken));
            }
        }

        var drains = new[] { DrainAsync(a), DrainAsync(b), DrainAsync(a), DrainAsync(b) };
        await Task.WhenAll(FailAsync(a.BaseUrl, each), FailAsync(b.BaseUrl, each));
        await Task.Delay(500, TestContext.Current.CancellationToken); // a flush or two more, drained meanwhile
        await stop.CancelAsync();
        await Task.WhenAll(drains);
        foreach (var host in new[] { a, b })
        {
            await host.Services.GetRequiredService<FailureShards>().FlushAsync(TestContext.Current.CancellationToken);
            counted += await host.Services.GetRequiredService<FailedSignInCounting>().CountAsync("rp", TestContext.Current.CancellationToken);
        }

        var stored = await ShardsAsync(a.TablePrefix);
        Assert.Equal(2, stored.Count); // one row per instance in the month, none shared
        Assert.All(stored, s => Assert.Equal((each, each, false), (s.Tally, s.Counted, s.Pending)));
        Assert.Equal(2 * each, (await a.ThisMonthAsync("rp")).FailedSignIns);
        Assert.Equal(2 * each, (await b.ThisMonthAsync("rp")).FailedSignIns);
        // Each failure went into the summaries by exactly one transaction of one of the four drains (no answer was lost here).
        Assert.Equal(2 * each, counted);
    }

    [Fact]
    public async Task AFlood_WritesOneShardRowPerFlushInterval_AndAnIdleInstanceNothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var writes = new UptakeEntityWrites();
        var options = new TableClientOptions();
        options.AddPolicy(writes, HttpPipelinePosition.PerCall);
        await using var service = await ServiceHost.StartAsync([Tenant], time: clock, settings: Settings("00:00:02"),
            services: s => s.AddSingleton(options));

        // 500 bad callbacks: not one write (the clock stands still, so no flush is due).
        await FailAsync(service.BaseUrl, 500, parallel: 8);
        Assert.Equal(0, writes.Count);

        // Each flush interval with failures: one write, of the instance's own row.
        for (var interval = 1; interval <= 4; interval++)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            Assert.True(await FlushedAsync(service.TablePrefix, 500 + (100 * (interval - 1)), TimeSpan.FromSeconds(10)), $"interval {interval}: no flush");
            Assert.Equal(interval, writes.Count);
            await FailAsync(service.BaseUrl, 100);
        }

        // The last hundred, then intervals without failures: nothing written.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await FlushedAsync(service.TablePrefix, 900, TimeSpan.FromSeconds(10)));
        Assert.Equal(5, writes.Count);
        for (var idle = 0; idle < 3; idle++)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Equal(5, writes.Count);
        Assert.Single(await ShardsAsync(service.TablePrefix));
        await service.DrainUptakeAsync();
        Assert.Equal(900, (await service.ThisMonthAsync("rp")).FailedSignIns);
    }

    [Fact]
    public async Task AGracefulStop_FlushesWhatTheTimerHadNot()
    {
        var first = await ServiceHost.StartAsync([Tenant], settings: Settings("00:01:00")); // no timer flush during the test
        await FailAsync(first.BaseUrl, 25);
        Assert.Empty(await ShardsAsync(first.TablePrefix));
        await first.DisposeAsync(); // the host stops: one last flush

        Assert.Equal(25, Assert.Single(await ShardsAsync(first.TablePrefix)).Tally);
        await using var next = await ServiceHost.StartAsync([Tenant], tablePrefix: first.TablePrefix, settings: Settings("00:01:00"));
        await next.DrainUptakeAsync();
        Assert.Equal(25, (await next.ThisMonthAsync("rp")).FailedSignIns);
    }
}
