using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Privacy;
using Onboarding.SignIn;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Privacy;

/// <summary>Counts the storage requests of the service by HTTP method.</summary>
public sealed class MethodCounter : HttpPipelineSynchronousPolicy
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();

    public int this[string method] => _counts.GetValueOrDefault(method);

    public int Total => _counts.Values.Sum();

    public void Clear() => _counts.Clear();

    public override string ToString() => string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    public override void OnSendingRequest(HttpMessage message) =>
        _counts.AddOrUpdate(message.Request.Method.ToString(), 1, (_, n) => n + 1);
}

/// <summary>The purge deletes in batches: a read per person, never a delete per entity.</summary>
public sealed class PurgeCostTests
{
    [Fact]
    public async Task PurgeOf300People_ReadsEachRecordOnce_AndDeletesEverythingInBatches()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 10, 9, 0, 0, TimeSpan.Zero));
        var counter = new MethodCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        await using var service = await ServiceHost.StartAsync([TestTenants.Down() with { Id = "big" }], time: clock,
            settings: new Dictionary<string, string?>
            {
                ["AzureWebJobs.DrainUptake.Disabled"] = "true",
                ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
            },
            services: s => s.AddSingleton(options));
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");
        var recorder = service.Services.GetRequiredService<SignInRecorder>();
        using var claims = JsonDocument.Parse("""{"eduperson_entitlement":[]}""");
        const int people = 300;
        await Parallel.ForEachAsync(Enumerable.Range(0, people), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await recorder.RecordAsync(tenant, new SignInProfile(tenant.Issuer, $"p{i}", $"p{i}@example.org", "example.org", null),
                claims.RootElement, SignInChannel.Callback, ct));
        await service.DrainUptakeAsync(); // their markers exist, as they do in production
        Assert.Equal(people, (await service.UsersAsync("big")).Count);

        clock.Advance(tenant.Retention.PersonalData + TimeSpan.FromDays(1));
        counter.Clear();
        var result = await service.Services.GetRequiredService<RetentionPurge>().RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(people, result.Erased);
        Assert.Empty(await service.UsersAsync("big"));
        Assert.Equal(0, await service.CountAsync("emailindex"));
        Assert.Equal(0, await service.CountAsync("expiries"));
        Assert.Equal(0, await service.CountAsync("uptakemarkers"));
        Assert.Equal(0, counter["DELETE"]); // nothing one by one
        // A read of each record and of each email row, and a few queries; the deletes are batches of
        // up to 100 per partition (16 partitions per table and period): users, email rows, expiry
        // entries, cohort markers and last year's activity markers; plus a table created on first use.
        Assert.InRange(counter["GET"], 2 * people, 2 * people + 10);
        Assert.InRange(counter["POST"], 5, 5 * 16 + 2);
    }
}
