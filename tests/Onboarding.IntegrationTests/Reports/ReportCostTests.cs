using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
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

    /// <remarks>The totals carry the returning users and failed sign-ins too: they add no request.</remarks>
    [Theory]
    [InlineData("country")]
    [InlineData("failure")]
    public async Task TwentyFourMonthReport_SameNumberOfStorageRequests_With100And100000Users(string by)
    {
        var small = await RequestsForReportAsync(users: 100, by);
        var large = await RequestsForReportAsync(users: 100_000, by);

        Assert.Equal(small, large);
        Assert.Equal(48, small); // two point reads per month: the totals and the breakdown
    }

    [Fact]
    public async Task DrainingFortySignUps_WritesTheCountersInOneTransaction_AndReadsNoUser()
    {
        var (clock, counter) = (new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero)), new RequestCounter());
        await using var service = await CountedServiceAsync(clock, counter);
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");
        await RecordAsync(service, tenant, 1);
        await service.DrainUptakeAsync(); // warm: every table exists
        await RecordAsync(service, tenant, 40, from: 100);

        var before = counter.Count;
        Assert.Equal(40, await service.Services.GetRequiredService<UptakeDrain>().DrainTenantAsync("big", TestContext.Current.CancellationToken));
        var requests = counter.Count - before;

        // 16 outbox reads, the month's applied rows (1), 3 markers per person (active, signed up;
        // this tenant has no partners, so "linked" is a third), the month's four summary rows (point
        // reads), one transaction, and at most 16 outbox deletes: never a request per counter and person.
        Assert.InRange(requests, 16 + 1 + 40 * 3 + 4 + 1, 16 + 1 + 40 * 3 + 4 + 1 + 16);
        var months = await service.Services.GetRequiredService<UptakeReports>()
            .ReadAsync(tenant, ReportQuery.Parse("2026-03", "2026-03", "country", clock.GetUtcNow()), TestContext.Current.CancellationToken);
        Assert.Equal((41, 41, 41), (months[0].Totals.SignUps, months[0].Totals.ActiveUsers, months[0].Totals.SignIns));
    }

    [Fact]
    public async Task AReportReadTwice_ReadsStorageOnce_UntilTheDrainCountsIntoIt()
    {
        var (clock, counter) = (new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero)), new RequestCounter());
        await using var service = await CountedServiceAsync(clock, counter);
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");
        var reports = service.Services.GetRequiredService<UptakeReports>();
        var query = ReportQuery.Parse("2025-04", "2026-03", null, clock.GetUtcNow());
        await RecordAsync(service, tenant, 3);
        await service.DrainUptakeAsync();

        var before = counter.Count;
        await reports.ReadAsync(tenant, query, TestContext.Current.CancellationToken);
        Assert.Equal(12, counter.Count - before); // a point read a month, the twelve at once
        before = counter.Count;
        await reports.ReadAsync(tenant, query with { By = "country" }, TestContext.Current.CancellationToken); // the dashboard's next table
        Assert.Equal(12, counter.Count - before); // the countries; the totals come from the cache
        before = counter.Count;
        await reports.ReadAsync(tenant, query with { By = "country" }, TestContext.Current.CancellationToken);
        Assert.Equal(0, counter.Count - before);

        await RecordAsync(service, tenant, 1, from: 50);
        await service.DrainUptakeAsync();
        before = counter.Count;
        var months = await reports.ReadAsync(tenant, query, TestContext.Current.CancellationToken);
        Assert.Equal(1, counter.Count - before); // only the month just counted into
        Assert.Equal(4, months[^1].Totals.SignUps);

        clock.Advance(UptakeReports.CacheFor);
        before = counter.Count;
        await reports.ReadAsync(tenant, query, TestContext.Current.CancellationToken);
        Assert.Equal(12, counter.Count - before);
    }

    [Fact]
    public async Task DashboardTopLists_KeptByTheDrain_OneReadEach_SameAsSummingTheMonths_RebuiltWhenCounted_SummedWhenStale()
    {
        var (clock, counter) = (new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero)), new RequestCounter());
        await using var service = await CountedServiceAsync(clock, counter);
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");
        var reports = service.Services.GetRequiredService<UptakeReports>();
        await RecordAsync(service, tenant, 3, from: 10); // in February
        clock.Advance(TimeSpan.FromDays(37));
        var window = ReportQuery.Parse(null, null, null, clock.GetUtcNow()); // 2025-04 … 2026-03
        await RecordAsync(service, tenant, 7); // and in March: institutions 0..4, two of them twice
        await service.DrainUptakeAsync(); // counts, then keeps the lists
        // The same months and one empty one more: not the default window, so summed from the months.
        var summed = await reports.TopAsync(tenant, ReportQuery.Parse("2025-03", "2026-03", null, clock.GetUtcNow()), Dimensions.Institution, 10,
            TestContext.Current.CancellationToken);

        reports.Invalidate([UptakeKeys.Partition("big", clock.GetUtcNow())]); // a cold read, as after 30 s
        var before = counter.Count;
        var kept = await reports.TopAsync(tenant, window, Dimensions.Institution, 10, TestContext.Current.CancellationToken);
        Assert.Equal(1, counter.Count - before); // one small row, not twelve months of every institution
        Assert.Equal(5, kept.Count);
        Assert.Equal(10, kept.Sum(t => t.SignUps));
        Assert.Equal(summed, kept);

        // A new count shows after the next drain, which rebuilds the lists it counted into.
        await RecordAsync(service, tenant, 1, from: 20);
        await service.DrainUptakeAsync();
        Assert.Equal(11, (await reports.TopAsync(tenant, window, Dimensions.Institution, 10, TestContext.Current.CancellationToken)).Sum(t => t.SignUps));

        // Past its freshness (the timer stopped), a kept list is not used: the months are summed.
        clock.Advance(UptakeReports.TopFreshFor);
        reports.Invalidate([UptakeKeys.Partition("big", clock.GetUtcNow())]);
        before = counter.Count;
        var stale = await reports.TopAsync(tenant, ReportQuery.Parse(null, null, null, clock.GetUtcNow()), Dimensions.Institution, 10,
            TestContext.Current.CancellationToken);
        Assert.True(counter.Count - before >= 12, $"{counter.Count - before} reads: the stale kept list was used");
        Assert.Equal(11, stale.Sum(t => t.SignUps));

        // Any other window is summed from its months, as before: March alone has 7 + 1.
        Assert.Equal(8, (await reports.TopAsync(tenant, ReportQuery.Parse("2026-03", "2026-03", null, clock.GetUtcNow()), Dimensions.Institution, 10,
            TestContext.Current.CancellationToken)).Sum(t => t.SignUps));
    }

    /// <summary>A service of tenant "big" whose storage requests are counted, the drain left to the test.</summary>
    private static Task<ServiceHost> CountedServiceAsync(FakeTimeProvider clock, RequestCounter counter) =>
        ServiceHost.StartAsync([TestTenants.Down() with { Id = "big" }], time: clock,
            settings: new Dictionary<string, string?> { ["AzureWebJobs.DrainUptake.Disabled"] = "true" },
            services: s => s.AddSingleton(CountingOptions(counter)));

    /// <summary>First sign-ins recorded through the real store with their counting, as the callback does.</summary>
    private static async Task RecordAsync(ServiceHost service, Tenant tenant, int count, int from = 0)
    {
        var users = service.Services.GetRequiredService<UserStore>();
        var planner = service.Services.GetRequiredService<UptakePlanner>();
        var effects = new SignInEffects((_, _, _, _) => Task.CompletedTask,
            (before, after, counted) => planner.SignIn(tenant, before, after));
        for (var i = from; i < from + count; i++)
        {
            var profile = new SignInProfile("https://issuer", $"s{i}", null, Institutions[i % 5], Countries[i % 5]);
            await users.RecordSignInAsync(tenant.Id, profile, null, (stored, _) => stored ?? StoredStatus.Empty,
                DateTimeOffset.UtcNow.AddDays(365), oncePerDay: false, effects, known: null, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<int> RequestsForReportAsync(int users, string by)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 1, 10, 9, 0, 0, TimeSpan.Zero));
        var counter = new RequestCounter();
        await using var service = await ServiceHost.StartAsync([TestTenants.Down() with { Id = "big" }], time: clock,
            settings: new Dictionary<string, string?>
            {
                ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
                ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
                ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
                ["AzureWebJobs.DrainUptake.Disabled"] = "true",
            },
            services: s => s.AddSingleton(CountingOptions(counter)));
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");

        await SeedUsersAsync(service, users);
        // Counted through the real store and drain, for 100 sign-ups spread over 24 months, so both
        // runs have rows in every month and dimension; the large run's extra users are in the users
        // table only, which is what a report must not read.
        for (var i = 0; i < 100; i++)
        {
            clock.SetUtcNow(new DateTimeOffset(2024, 1, 10, 9, 0, 0, TimeSpan.Zero).AddMonths(i * 24 / 100)); // every month, in order
            await RecordAsync(service, tenant, 1, from: i);
            service.Services.GetRequiredService<Onboarding.Uptake.SignInFailures>().Count("big", i % 2 == 0 ? "LoginAttemptExpired" : "SignInRefused");
        }

        await service.DrainUptakeAsync();

        var reports = service.Services.GetRequiredService<UptakeReports>();
        var query = ReportQuery.Parse("2024-01", "2025-12", by, clock.GetUtcNow());
        await reports.ReadAsync(tenant, query with { From = new DateOnly(2023, 12, 1), To = new DateOnly(2023, 12, 1) },
            TestContext.Current.CancellationToken); // warm: table client ready (a month outside the report, so none is cached)
        var before = counter.Count;
        var months = await reports.ReadAsync(tenant, query, TestContext.Current.CancellationToken);
        Assert.Equal((100, 100), (months.Sum(m => m.Totals.SignUps), months.Sum(m => m.Totals.FailedSignIns)));
        return counter.Count - before;
    }

    private static TableClientOptions CountingOptions(RequestCounter counter)
    {
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        return options;
    }

    private static async Task SeedUsersAsync(ServiceHost service, int count)
    {
        var table = service.Table("users");
        await table.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, count).GroupBy(i => UserEntity.PartitionOf("big", $"seed{i:D28}")).SelectMany(p => p.Chunk(100)),
            new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, ct) =>
            await table.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add, new UserEntity
            {
                PartitionKey = UserEntity.PartitionOf("big", $"seed{i:D28}"),
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
