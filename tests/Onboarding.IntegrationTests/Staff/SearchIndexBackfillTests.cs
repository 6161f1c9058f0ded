using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Staff;
using Onboarding.Storage;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// Records from before the country index (and the sort values) are brought into it by a resumable
/// job: batched, idempotent, from its checkpoint after a stop, safe when several instances run it.
/// </summary>
public sealed class SearchIndexBackfillTests
{
    private static readonly DateTimeOffset Today = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task LegacyRecords_FoundByCountryOnlyAfterTheBackfill_ThenTheIndexIsExact_AndASecondRunChangesNothing()
    {
        await using var service = await StaffSearchAtSizeTests.StartAsync();
        var (_, staff, support) = StaffSearchAtSizeTests.Parts(service);
        await StaffSearchAtSizeTests.SeedAsync(service, 250, i => (i % 5 == 0 ? null : "uni-bonn.de", i % 7 == 0 ? null : "DE", Today.AddDays(-i)), legacy: true);
        var backfill = service.Services.GetRequiredService<SearchIndexBackfill>();
        var de = StaffSearch.Of(SearchField.Country, "DE");
        var ct = TestContext.Current.CancellationToken;
        Assert.Empty((await support.SearchAsync(staff, de, SearchSort.Institution, null, 50, ct)).Users);
        Assert.False((await backfill.ProgressAsync("big", ct)).Done);

        var progress = await backfill.RunAsync("big", ct);

        Assert.Equal(new BackfillProgress(16, 16, 250, 250), progress);
        var pages = await StaffSearchAtSizeTests.AllPagesAsync(support, staff, de, SearchSort.Recent);
        Assert.Equal(250 - 36, pages[0].Total); // every one but the 36 with no country
        Assert.Equal(250 - 50, (await support.SearchAsync(staff, StaffSearch.Of(SearchField.Institution, "uni-"), SearchSort.Institution, null, 50, ct)).Total);
        await Invariants.AssertSearchIndexExactAsync(service, "big");
        Assert.Contains(service.Logs.Lines, l => l.Contains("Search index backfill of tenant big done: 250 records read, 250 brought into the index", StringComparison.Ordinal));

        var again = await backfill.RunAsync("big", ct);
        Assert.Equal(new BackfillProgress(16, 16, 250, 250), again); // done: nothing read again
        await ResetCheckpointsAsync(service);
        Assert.Equal(new BackfillProgress(16, 16, 250, 0), await backfill.RunAsync("big", ct)); // from the start: all current, none written
    }

    [Fact]
    public async Task AStoppedRun_ResumesFromItsCheckpoint_NotFromTheStart()
    {
        await using var service = await StaffSearchAtSizeTests.StartAsync();
        var seeded = await StaffSearchAtSizeTests.SeedAsync(service, 120, _ => ("vito.be", "BE", Today), legacy: true);
        var ct = TestContext.Current.CancellationToken;
        // A run stopped after the first record of partition 3, and every partition before it done (as its checkpoints say).
        var partitions = Partitions.All("big").ToList();
        var first = seeded.Where(u => u.PartitionKey == partitions[3]).Select(u => u.RowKey).Order(StringComparer.Ordinal).First();
        var jobs = service.Table("jobs");
        await jobs.CreateIfNotExistsAsync(ct);
        foreach (var partition in partitions.Take(3))
        {
            await jobs.UpsertEntityAsync(new BackfillCheckpointEntity { PartitionKey = SearchIndexBackfill.Job, RowKey = partition, Done = true }, cancellationToken: ct);
        }

        await jobs.UpsertEntityAsync(new BackfillCheckpointEntity { PartitionKey = SearchIndexBackfill.Job, RowKey = partitions[3], After = first, Read = 1 }, cancellationToken: ct);

        var progress = await service.Services.GetRequiredService<SearchIndexBackfill>().RunAsync("big", ct);

        var skipped = seeded.Where(u => partitions.IndexOf(u.PartitionKey) < 3 || u.RowKey == first).Select(u => u.RowKey).ToHashSet();
        Assert.Equal(120 - skipped.Count, progress.Indexed);
        var users = (await service.UsersAsync("big")).ToList();
        Assert.All(users, u => Assert.Equal(!skipped.Contains(u.RowKey), u.IndexedDay is not null));
        await Invariants.AssertSearchIndexExactAsync(service, "big");
    }

    [Fact]
    public async Task TwoInstancesAtOnce_WithSignInsMeanwhile_LeaveAnExactIndex()
    {
        await using var service = await StaffSearchAtSizeTests.StartAsync();
        await using var other = await StaffSearchAtSizeTests.StartAsync(tablePrefix: service.TablePrefix); // the same storage, its own memory
        await StaffSearchAtSizeTests.SeedAsync(service, 300, i => ($"inst{i % 9}.example.de", "DE", Today.AddDays(-i % 40)), legacy: true);
        var ct = TestContext.Current.CancellationToken;
        var store = service.Services.GetRequiredService<UserStore>();
        var effects = new SignInEffects((_, _, _, _) => Task.CompletedTask, (_, _, _) => []);

        // Both instances backfill while some of the same people sign in again, from another institution.
        var signIns = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i += 10)
            {
                await store.RecordSignInAsync("big", new SignInProfile("https://seed.example", $"seed-{i}", null, "moved.example.be", "BE"), null,
                    (stored, _) => stored ?? StoredStatus.Empty, DateTimeOffset.UtcNow.AddDays(365), oncePerDay: false, effects, known: null, ct);
            }
        }, ct);
        await Task.WhenAll(service.Services.GetRequiredService<SearchIndexBackfill>().RunAsync("big", ct),
            other.Services.GetRequiredService<SearchIndexBackfill>().RunAsync("big", ct), signIns);

        await Invariants.AssertSearchIndexExactAsync(service, "big");
        var (_, staff, support) = StaffSearchAtSizeTests.Parts(service);
        Assert.Equal(30, (await support.SearchAsync(staff, StaffSearch.Of(SearchField.Country, "BE"), SearchSort.Recent, null, 50, ct)).Total);
        Assert.Equal(270, (await support.SearchAsync(staff, StaffSearch.Of(SearchField.Country, "DE"), SearchSort.Recent, null, 50, ct)).Total);
    }

    [Fact]
    public async Task TheOperatorCommand_BackfillsTheTenant_SaysWhereItStands_AndAConfigurationItCannotStartWithIsAPlainError()
    {
        await using var service = await StaffSearchAtSizeTests.StartAsync();
        await StaffSearchAtSizeTests.SeedAsync(service, 40, _ => ("vito.be", "BE", Today), legacy: true);
        var tenantsFile = Path.Combine(Path.GetTempPath(), $"tenants-backfill-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(tenantsFile, System.Text.Json.JsonSerializer.Serialize(new { tenants = new[] { TestTenants.Down() with { Id = "big" } } }),
            TestContext.Current.CancellationToken);
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["Onboarding__PublicBaseUrl"] = "http://127.0.0.1:7071",
                ["Onboarding__TenantsFile"] = tenantsFile,
                ["Storage__ConnectionString"] = TestEnvironment.StorageConnectionString,
                ["Storage__TablePrefix"] = service.TablePrefix,
                ["Privacy__HmacSecret"] = ServiceHost.HmacSecret,
                ["Privacy__PurgeSchedule"] = "0 0 3 * * *",
                ["TenantSecrets__down"] = "unused-by-the-backfill",
            };

            var (done, output) = await RunAsync(settings, "big");
            Assert.True(done == 0, output);
            Assert.Contains("big: 16 of 16 partitions done, 40 records read, 40 brought into the index", output, StringComparison.Ordinal);
            await Invariants.AssertSearchIndexExactAsync(service, "big");

            var (unknown, unknownOutput) = await RunAsync(settings, "nosuch");
            Assert.Equal(2, unknown);
            Assert.Contains("there is no tenant 'nosuch'; its tenants are: big", unknownOutput, StringComparison.Ordinal);

            settings.Remove("Onboarding__PublicBaseUrl");
            var (broken, brokenOutput) = await RunAsync(settings, "big");
            Assert.Equal(2, broken);
            Assert.Contains("configuration: ", brokenOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", brokenOutput, StringComparison.Ordinal); // no stack trace
        }
        finally
        {
            File.Delete(tenantsFile);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> settings, string tenant)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Onboarding.LocalHost.dll"), "backfill-search-index", tenant])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    private static async Task ResetCheckpointsAsync(ServiceHost service)
    {
        var jobs = service.Table("jobs");
        await foreach (var c in jobs.QueryAsync<TableEntity>(e => e.PartitionKey == SearchIndexBackfill.Job))
        {
            await jobs.DeleteEntityAsync(c.PartitionKey, c.RowKey);
        }
    }
}
