using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.IntegrationTests.Reports;
using Onboarding.Staff;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// The audit log pages through many entries with filters without a scan per page: the window is a
/// key range of each month's partition, a page reads at most <see cref="AuditTrail.MaxRequestsPerPage"/>
/// pages of storage, and a page that stops before it is full says how far back it searched and goes on.
/// </summary>
public sealed class AuditAtSizeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ARareFilterOverMonths_FindsEveryMatch_EachPageBounded_AndAStoppedPageSaysHowFarItSearched()
    {
        var counter = new RequestCounter();
        await using var service = await StaffSearchAtSizeTests.StartAsync(counter);
        var trail = service.Services.GetRequiredService<AuditTrail>();
        var ct = TestContext.Current.CancellationToken;
        // 3 months of 4,000 views each, and 7 erasures among them (the oldest in September).
        var erasures = new[] { 5, 900, 3_999, 4_100, 7_000, 11_000, 11_990 };
        await SeedAsync(service, 12_000, i => erasures.Contains(i) ? "erase" : "view", i => Now.AddMinutes(-i * 15));
        var (from, to) = (Now.AddDays(-130), Now);
        await trail.ReadAsync("big", from, to, null, 1, ct); // the table's creation, once per process

        // At most one storage page a page: each page stops early, says where, and the next goes on.
        var found = new List<AuditEntry>();
        var stopped = new List<DateTimeOffset>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var before = counter.Count;
            var page = await trail.ReadAsync("big", from, to, continuation, 100, ct, new AuditMatch(Action: "erase"), maxRequests: 1);
            Assert.True(counter.Count - before <= 1, $"page {pages} read storage {counter.Count - before} times");
            found.AddRange(page.Entries);
            if (page.SearchedBack is { } month)
            {
                stopped.Add(month);
            }

            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null && pages < 50);

        Assert.Equal(erasures.Length, found.Count);
        Assert.Equal(found.OrderByDescending(e => e.At).Select(e => e.At), found.Select(e => e.At)); // newest first, across months
        Assert.NotEmpty(stopped);
        Assert.Equal(stopped.OrderByDescending(m => m), stopped);

        // With the page's own bound, the same in fewer pages; every page's reads bounded.
        var lines = service.Services.GetRequiredService<AuditLines>();
        var tenant = StaffSearchAtSizeTests.Parts(service).Tenant;
        var query = AuditQuery.Parse(from.ToString("O"), to.ToString("O"), null, null, "erase", Now);
        var all = new List<AuditLine>();
        continuation = null;
        do
        {
            var before = counter.Count;
            var page = await lines.ReadAsync(tenant, query, continuation, 100, ct);
            Assert.True(counter.Count - before <= AuditTrail.MaxRequestsPerPage + 2 + page.Lines.Count, "a page scanned past its bound");
            all.AddRange(page.Lines);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        Assert.Equal(erasures.Length, all.Count);
    }

    [Fact]
    public async Task AWindowWithinAMonth_ReadsOnlyItsKeyRange()
    {
        var counter = new RequestCounter();
        await using var service = await StaffSearchAtSizeTests.StartAsync(counter);
        var trail = service.Services.GetRequiredService<AuditTrail>();
        await SeedAsync(service, 3_000, _ => "view", i => new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero).AddMinutes(-i * 10)); // all of November, ~20 days
        var (from, to) = (new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 20, 23, 59, 59, TimeSpan.Zero));

        var page = await trail.ReadAsync("big", from, to, null, 500, TestContext.Current.CancellationToken);

        Assert.Equal(144, page.Entries.Count); // a day of entries every ten minutes
        Assert.All(page.Entries, e => Assert.InRange(e.At, from, to));
        Assert.Null(page.Continuation);
    }

    private static async Task SeedAsync(ServiceHost service, int count, Func<int, string> action, Func<int, DateTimeOffset> at)
    {
        var audit = service.Table("audit");
        await audit.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var entries = Enumerable.Range(0, count).Select(i => new AuditEntity
        {
            PartitionKey = AuditTrail.Partition("big", at(i)),
            RowKey = $"{DateTimeOffset.MaxValue.UtcTicks - at(i).UtcTicks:D19}_s{i:D6}",
            At = at(i), Actor = "support-actor", ActorRoles = "Support", Action = action(i), TargetUser = $"user{i % 300}",
        });
        await Parallel.ForEachAsync(entries.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (chunk, ct) =>
                await audit.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));
    }
}
