using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Uptake;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Reports;

/// <summary>Counts every storage request the service makes.</summary>
public sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}

/// <summary>A report costs the same at 100 users as at 100,000: it reads summary rows, never the users.</summary>
public sealed class ReportCostTests
{
    private static readonly string[] Countries = ["BE", "DE", "NL", "IT", "FR"];
    private static readonly string[] Institutions = ["vito.be", "uni-bonn.de", "tudelft.nl", "polimi.it", "cnes.fr"];

    [Fact]
    public async Task TwentyFourMonthReport_SameNumberOfStorageRequests_With100And100000Users()
    {
        var small = await RequestsForReportAsync(users: 100);
        var large = await RequestsForReportAsync(users: 100_000);

        Assert.Equal(small, large);
        Assert.Equal(24, small); // one keyed range read per month
    }

    [Fact]
    public async Task CountingOneSignIn_IsOneReadAndOneTransactionPerPartition()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
        var counter = new RequestCounter();
        await using var service = await ServiceHost.StartAsync([TestTenants.Down() with { Id = "big" }], time: clock,
            services: s => s.AddSingleton(CountingOptions(counter)));
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");
        var uptake = service.Services.GetRequiredService<UptakeCounter>();
        var user = User(1, clock.GetUtcNow());
        await uptake.SignInAsync(tenant, null, User(2, clock.GetUtcNow()), TestContext.Current.CancellationToken); // warm: table exists

        var before = counter.Count;
        await uptake.SignInAsync(tenant, null, user, TestContext.Current.CancellationToken);
        var first = counter.Count - before;
        before = counter.Count;
        await uptake.SignInAsync(tenant, user, user, TestContext.Current.CancellationToken);
        var again = counter.Count - before;

        // First: the month's counters and the cohort's "partners linked" stage (this tenant has no
        // partners), each one read and one transaction. Again: the month's sign-in count only.
        Assert.Equal(4, first);
        Assert.Equal(2, again);
    }

    private static async Task<int> RequestsForReportAsync(int users)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 1, 10, 9, 0, 0, TimeSpan.Zero));
        var counter = new RequestCounter();
        await using var service = await ServiceHost.StartAsync([TestTenants.Down() with { Id = "big" }], time: clock,
            settings: new Dictionary<string, string?>
            {
                ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
                ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
                ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
            },
            services: s => s.AddSingleton(CountingOptions(counter)));
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");

        await SeedUsersAsync(service, users);
        // Counting as it happens, through the real counter, for 100 sign-ups spread over 24 months,
        // so both runs have rows in every month and dimension; the large run's extra users are in
        // the users table only, which is what a report must not read.
        var uptake = service.Services.GetRequiredService<UptakeCounter>();
        for (var i = 0; i < 100; i++)
        {
            clock.SetUtcNow(new DateTimeOffset(2024, 1, 10, 9, 0, 0, TimeSpan.Zero).AddMonths(i * 24 / 100)); // every month, in order
            await uptake.SignInAsync(tenant, null, User(i, clock.GetUtcNow()), TestContext.Current.CancellationToken);
        }

        var reports = service.Services.GetRequiredService<UptakeReports>();
        var query = ReportQuery.Parse("2024-01", "2025-12", "country", clock.GetUtcNow());
        await reports.ReadAsync(tenant, query with { From = query.To }, TestContext.Current.CancellationToken); // warm: table client ready
        var before = counter.Count;
        var months = await reports.ReadAsync(tenant, query, TestContext.Current.CancellationToken);
        Assert.Equal(100, months.Sum(m => m.Totals.SignUps));
        return counter.Count - before;
    }

    private static TableClientOptions CountingOptions(RequestCounter counter)
    {
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        return options;
    }

    private static UserRecord User(int i, DateTimeOffset at) => new("big", $"user{i:D27}", "https://issuer", $"s{i}",
        null, Institutions[i % 5], Countries[i % 5], at, at, 1, at.AddDays(365), StoredStatus.Empty);

    private static async Task SeedUsersAsync(ServiceHost service, int count)
    {
        var table = service.Table("users");
        await table.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, count).Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, ct) =>
            await table.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add, new UserEntity
            {
                PartitionKey = "big",
                RowKey = $"seed{i:D28}",
                Issuer = "https://issuer",
                Subject = $"seed-{i}",
                Institution = Institutions[i % 5],
                Country = Countries[i % 5],
                FirstSignInAt = now,
                LastSignInAt = now,
                SignInCount = 1,
                ExpiresAt = now.AddDays(365),
            })), ct));
    }
}
