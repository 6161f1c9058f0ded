using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.IntegrationTests.Reports;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// The staff's searches at the size they meet: counted ("N people found"), sorted by the column picked
/// across every page, paged with continuation keys (no offsets); more than <see cref="UserSearch.SortLimit"/>
/// says so and pages in the index's order to the end; the country search goes through the index, at a
/// cost that does not grow with other users.
/// </summary>
public sealed class StaffSearchAtSizeTests
{
    private static readonly DateTimeOffset Today = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(SearchSort.Recent)]
    [InlineData(SearchSort.Institution)]
    [InlineData(SearchSort.Country)]
    public async Task ACountrySearch_CountedSortedAcrossPages_EachPersonOnce(SearchSort sort)
    {
        await using var service = await StartAsync();
        var (_, staff, support) = Parts(service);
        // 130 in DE at three institutions, each last seen on another day; 20 in BE.
        await SeedAsync(service, 130, i => (new[] { "uni-bonn.de", "fz-juelich.de", "tum.de" }[i % 3], "DE", Today.AddDays(-(i * 7 % 130))));
        await SeedAsync(service, 20, i => ("vito.be", "BE", Today), from: 1000);

        var pages = await AllPagesAsync(support, staff, StaffSearch.Of(SearchField.Country, "de"), sort);

        Assert.All(pages, p => Assert.Equal(130, p.Total));
        Assert.All(pages, p => Assert.True(p.Sorted));
        Assert.Equal([1, 51, 101], pages.Select(p => p.First));
        var users = pages.SelectMany(p => p.Users).Select(v => v.User).ToList();
        Assert.Equal(130, users.Select(u => u.UserId).Distinct().Count());
        Assert.All(users, u => Assert.Equal("DE", u.Country));
        var keys = users.Select(u => UserSearch.SortKey(sort, u.Institution, u.Country, SearchIndex.Day(u.LastSignInAt), u.UserId)).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        if (sort == SearchSort.Recent)
        {
            Assert.Equal(Today, users[0].LastSignInAt);
            Assert.True(users[^1].LastSignInAt < users[0].LastSignInAt);
        }
    }

    [Fact]
    public async Task MoreThanTheSortLimit_SaysSo_AndPagesInTheIndexOrderToTheEnd()
    {
        await using var service = await StartAsync();
        var (_, staff, support) = Parts(service);
        var count = (UserSearch.SortLimit * 2) + 537; // more than one page of each partition holds
        await SeedAsync(service, count, i => ($"inst{i % 40:D2}.example.nl", "NL", Today));

        var pages = await AllPagesAsync(support, staff, StaffSearch.Of(SearchField.Country, "NL"), SearchSort.Recent, pageSize: 1000);

        Assert.All(pages, p => Assert.Null(p.Total)); // "more than 2,000"
        Assert.All(pages, p => Assert.False(p.Sorted));
        var ids = pages.SelectMany(p => p.Users).Select(v => v.User.UserId).ToList();
        Assert.Equal(count, ids.Distinct().Count());
        Assert.Equal(count, ids.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids); // the country index's order: by id within the country
        Assert.Equal(pages.Select((_, i) => 1 + (i * 1000)), pages.Select(p => p.First));
    }

    [Fact]
    public async Task ACountrySearch_ReadsTheIndex_AtACostThatDoesNotGrowWithOtherUsers()
    {
        var counter = new RequestCounter();
        await using var service = await StartAsync(counter);
        var (_, staff, support) = Parts(service);
        await SeedAsync(service, 5, _ => ("vito.be", "BE", Today));
        var search = StaffSearch.Of(SearchField.Country, "BE");
        await support.SearchAsync(staff, search, SearchSort.Institution, null, SupportService.PageSize, TestContext.Current.CancellationToken); // the tables made

        var before = counter.Count;
        Assert.Equal(5, (await support.SearchAsync(staff, search, SearchSort.Institution, null, SupportService.PageSize, TestContext.Current.CancellationToken)).Users.Count);
        var cost = counter.Count - before;
        Assert.Equal(16 + 5 + 1, cost); // the 16 partitions' key ranges, a point read per person shown, the audit entry

        await SeedAsync(service, 600, _ => ("uni-bonn.de", "DE", Today), from: 100);
        before = counter.Count;
        Assert.Equal(5, (await support.SearchAsync(staff, search, SearchSort.Recent, null, SupportService.PageSize, TestContext.Current.CancellationToken)).Users.Count);
        Assert.Equal(cost, counter.Count - before);
    }

    [Fact]
    public async Task AContinuationOfAnotherSearchOrForged_StartsAfreshOrIsAClear400()
    {
        await using var service = await StartAsync();
        var (_, staff, support) = Parts(service);
        await SeedAsync(service, 60, i => (i % 2 == 0 ? "uni-bonn.de" : "vito.be", i % 2 == 0 ? "DE" : "BE", Today));
        var ct = TestContext.Current.CancellationToken;
        var de = await support.SearchAsync(staff, StaffSearch.Of(SearchField.Country, "DE"), SearchSort.Institution, null, 10, ct);

        var be = await support.SearchAsync(staff, StaffSearch.Of(SearchField.Country, "BE"), SearchSort.Institution, de.Continuation, 10, ct);
        Assert.All(be.Users, u => Assert.Equal("BE", u.User.Country));

        var e = await Assert.ThrowsAsync<Onboarding.Common.OnboardingException>(() =>
            support.SearchAsync(staff, StaffSearch.Of(SearchField.Country, "DE"), SearchSort.Institution, "x-not-one", 10, ct));
        Assert.Equal(Onboarding.Common.ApiError.ParameterInvalid, e.Error);
    }

    /// <summary>Every page of a search, following its continuations.</summary>
    internal static async Task<List<SupportUserPage>> AllPagesAsync(SupportService support, StaffMember staff, StaffSearch search, SearchSort sort,
        int pageSize = SupportService.PageSize)
    {
        var pages = new List<SupportUserPage>();
        string? continuation = null;
        do
        {
            var page = await support.SearchAsync(staff, search, sort, continuation, pageSize, TestContext.Current.CancellationToken);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null && pages.Count < 100);

        return pages;
    }

    /// <summary>A service of one tenant ("big", no partner reachable), its storage requests counted when asked.</summary>
    internal static Task<ServiceHost> StartAsync(RequestCounter? counter = null, string? tablePrefix = null) =>
        ServiceHost.StartAsync([TestTenants.Down() with { Id = "big" }], tablePrefix: tablePrefix,
            settings: new Dictionary<string, string?> { ["AzureWebJobs.DrainUptake.Disabled"] = "true" },
            services: counter is null ? null : s =>
            {
                var options = new TableClientOptions();
                options.AddPolicy(counter, HttpPipelinePosition.PerCall);
                s.AddSingleton(options);
            });

    internal static (Tenant Tenant, StaffMember Staff, SupportService Support) Parts(ServiceHost service)
    {
        var tenant = service.Services.GetRequiredService<TenantCatalog>().Get("big");
        return (tenant, new StaffMember(tenant, "support-actor", new HashSet<StaffRole> { StaffRole.Support }, null),
            service.Services.GetRequiredService<SupportService>());
    }

    /// <summary>
    /// Records as the store writes them (each with its search index rows, in one transaction), or as
    /// records from before the country index were (<paramref name="legacy"/>: the institution row alone,
    /// without sort values, or no row at all for every third).
    /// </summary>
    internal static async Task<List<UserEntity>> SeedAsync(ServiceHost service, int count, Func<int, (string? Institution, string? Country, DateTimeOffset LastSignIn)> person,
        int from = 0, bool legacy = false)
    {
        var users = service.Table("users");
        await users.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var seeded = Enumerable.Range(from, count).Select(i =>
        {
            var (institution, country, last) = person(i);
            var id = UserIds.For("https://seed.example", $"seed-{i}");
            return new UserEntity
            {
                PartitionKey = UserEntity.PartitionOf("big", id), RowKey = id, Issuer = "https://seed.example", Subject = $"seed-{i}",
                Email = $"seed-{i}@example.org", Institution = institution, Country = country, FirstSignInAt = last.AddDays(-400 + (i % 30)),
                LastSignInAt = last, SignInCount = 2, ExpiresAt = last.AddDays(365),
            };
        }).ToList();
        await Parallel.ForEachAsync(seeded.GroupBy(u => u.PartitionKey).SelectMany(p => p.Chunk(30)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (chunk, ct) =>
            {
                var actions = new List<TableTransactionAction>();
                foreach (var (user, n) in chunk.Select((u, n) => (u, n)))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, user));
                    if (!legacy)
                    {
                        actions.AddRange(SearchIndex.Follow(user));
                    }
                    else if (user.Institution is { } institution && n % 3 != 0)
                    {
                        user.IndexedInstitution = institution;
                        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                            new TableEntity(user.PartitionKey, SearchIndex.Row(SearchField.Institution, institution, user.RowKey))));
                    }
                }

                await users.SubmitTransactionAsync(actions, ct);
            });
        return seeded;
    }
}
