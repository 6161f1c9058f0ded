using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.IntegrationTests.Reports;
using Onboarding.Privacy;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// Support finds people by the start of their institution's domain, a page at a time, through the
/// institution index (a key-range read of each partition, never a scan of users); the index follows
/// the record in its own transaction when the institution changes and at erasure.
/// </summary>
public sealed class InstitutionSearchTests
{
    [Fact]
    public async Task Prefix_FindsEveryMatchingUserOncePagedInInstitutionOrder_AtACostThatDoesNotGrowWithOtherUsers()
    {
        var counter = new RequestCounter();
        await using var service = await StartAsync(counter);
        var (tenant, staff, support) = Parts(service);

        await RecordAsync(service, tenant, "uni-bonn.de", 30);
        await RecordAsync(service, tenant, "uni-muenster.de", 25);
        await RecordAsync(service, tenant, "unibz.it", 5); // "uni" but not "uni-"
        await RecordAsync(service, tenant, "vito.be", 5);

        var first = await FindAsync(support, staff, "Uni-", null);
        Assert.Equal(SupportService.PageSize, first.Users.Count);
        Assert.NotNull(first.Continuation);
        var second = await FindAsync(support, staff, "uni-", first.Continuation);
        Assert.Null(second.Continuation);
        var all = first.Users.Concat(second.Users).Select(v => v.User).ToList();
        Assert.Equal(55, all.Count);
        Assert.Equal(55, all.Select(u => u.UserId).Distinct().Count());
        Assert.Equal(all.Select(u => u.Institution), all.Select(u => u.Institution).Order(StringComparer.Ordinal)); // by institution
        Assert.All(all, u => Assert.StartsWith("uni-", u.Institution, StringComparison.Ordinal));
        Assert.Equal(30, (await FindAsync(support, staff, "uni-bonn.de", null)).Users.Count);
        Assert.Equal(60, await CountAllAsync(support, staff, "uni")); // uni-bonn.de, uni-muenster.de and unibz.it, over two pages
        Assert.Throws<Onboarding.Common.OnboardingException>(() => StaffSearch.Of(SearchField.Institution, "uni*"));

        // The cost of a page: the 16 partitions' key ranges and a point read per user shown (and the audit entry).
        var before = counter.Count;
        var page = await FindAsync(support, staff, "vito.", null);
        Assert.Equal(5, page.Users.Count);
        var cost = counter.Count - before;
        Assert.Equal(16 + 5 + 1, cost);
        await RecordAsync(service, tenant, "other.org", 400); // many more users elsewhere
        before = counter.Count;
        Assert.Equal(5, (await FindAsync(support, staff, "vito.", null)).Users.Count);
        Assert.Equal(cost, counter.Count - before);
    }

    [Fact]
    public async Task TheIndexFollowsTheRecord_AChangeMovesItsRow_AnErasureTakesIt()
    {
        await using var service = await StartAsync();
        var (tenant, staff, support) = Parts(service);
        await RecordAsync(service, tenant, "uni-bonn.de", 3, from: 0);

        // s1 moves to VITO: found there, no longer at Bonn; one row each, nothing left behind.
        await RecordAsync(service, tenant, "vito.be", 1, from: 1);
        Assert.Equal(2, (await FindAsync(support, staff, "uni-bonn", null)).Users.Count);
        Assert.Single((await FindAsync(support, staff, "vito", null)).Users);
        Assert.Equal(["uni-bonn.de", "uni-bonn.de", "vito.be"], (await IndexRowsAsync(service)).Select(r => r.Institution).Order(StringComparer.Ordinal));

        // Erased, on request and by the purge: the rows go with the records.
        var eraser = service.Services.GetRequiredService<UserEraser>();
        await eraser.EraseAsync("big", UserIds.For("https://issuer", "s1"), "test", TestContext.Current.CancellationToken);
        var users = service.Services.GetRequiredService<UserStore>();
        var left = (await service.UsersAsync("big")).ToList();
        Assert.Equal(2, left.Count);
        await users.DeleteManyAsync(left, TestContext.Current.CancellationToken);
        Assert.Empty(await IndexRowsAsync(service));
        Assert.Empty((await FindAsync(support, staff, "uni", null)).Users);
    }

    [Fact]
    public async Task ARecordFromBeforeTheIndex_GetsItsRowAtItsNextSignIn()
    {
        await using var service = await StartAsync();
        var (tenant, staff, support) = Parts(service);
        var id = UserIds.For("https://issuer", "s900");
        var users = service.Table("users");
        await users.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        await users.AddEntityAsync(new UserEntity
        {
            PartitionKey = UserEntity.PartitionOf("big", id), RowKey = id, Issuer = "https://issuer", Subject = "s900", Institution = "uni-bonn.de",
            FirstSignInAt = now, LastSignInAt = now, SignInCount = 1, ExpiresAt = now.AddDays(365),
        }, TestContext.Current.CancellationToken);
        Assert.Empty((await FindAsync(support, staff, "uni-", null)).Users);

        await RecordAsync(service, tenant, "uni-bonn.de", 1, from: 900);

        Assert.Equal(id, Assert.Single((await FindAsync(support, staff, "uni-", null)).Users).User.UserId);
        Assert.Equal([("uni-bonn.de", id)], await IndexRowsAsync(service));
    }

    /// <summary>A service of one tenant ("big", no partner reachable), its storage requests counted when asked.</summary>
    private static Task<ServiceHost> StartAsync(RequestCounter? counter = null) =>
        ServiceHost.StartAsync([TestTenants.Down() with { Id = "big" }],
            settings: new Dictionary<string, string?> { ["AzureWebJobs.DrainUptake.Disabled"] = "true" },
            services: counter is null ? null : s => s.AddSingleton(Counting(counter)));

    /// <summary>The tenant, a support staff member of it, and the support service.</summary>
    private static (Tenant Tenant, StaffMember Staff, SupportService Support) Parts(ServiceHost service)
    {
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");
        return (tenant, new StaffMember(tenant, "support-actor", new HashSet<StaffRole> { StaffRole.Support }, null),
            service.Services.GetRequiredService<SupportService>());
    }

    private static Task<SupportUserPage> FindAsync(SupportService support, StaffMember staff, string prefix, string? continuation,
        SearchSort sort = SearchSort.Institution) =>
        support.SearchAsync(staff, StaffSearch.Of(SearchField.Institution, prefix), sort, continuation, SupportService.PageSize, TestContext.Current.CancellationToken);

    private static async Task<int> CountAllAsync(SupportService support, StaffMember staff, string prefix)
    {
        var (count, continuation) = (0, (string?)null);
        do
        {
            var page = await FindAsync(support, staff, prefix, continuation);
            count += page.Users.Count;
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return count;
    }

    private static async Task<List<(string Institution, string UserId)>> IndexRowsAsync(ServiceHost service)
    {
        var rows = new List<(string, string)>();
        await foreach (var row in service.Table("users").QueryAsync<TableEntity>(
            e => e.RowKey.CompareTo(SearchIndex.KeyPrefix(SearchField.Institution)) >= 0 && e.RowKey.CompareTo("~s|j") < 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            var rest = row.RowKey[SearchIndex.KeyPrefix(SearchField.Institution).Length..];
            rows.Add((rest[..rest.LastIndexOf('|')], rest[(rest.LastIndexOf('|') + 1)..]));
        }

        return rows;
    }

    /// <summary>Sign-ins recorded through the real store, as the callback does: subjects s{from}…, at one institution.</summary>
    private static async Task RecordAsync(ServiceHost service, Tenant tenant, string institution, int count, int from = -1)
    {
        var users = service.Services.GetRequiredService<UserStore>();
        var effects = new SignInEffects((_, _, _, _) => Task.CompletedTask, (_, _, _) => []);
        var start = from >= 0 ? from : Interlocked.Add(ref _next, count) - count;
        for (var i = start; i < start + count; i++)
        {
            var profile = new SignInProfile("https://issuer", $"s{i}", null, institution, null);
            await users.RecordSignInAsync(tenant.Id, profile, null, (stored, _) => stored ?? StoredStatus.Empty,
                DateTimeOffset.UtcNow.AddDays(365), oncePerDay: false, effects, known: null, TestContext.Current.CancellationToken);
        }
    }

    private static int _next;

    private static TableClientOptions Counting(RequestCounter counter)
    {
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        return options;
    }
}
