using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Privacy;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Privacy;

/// <summary>Retention on a fake clock: expiry at the exact boundary, sign-ins pushing it forward, purge at scale, crash and race.</summary>
public sealed class RetentionTests : TestProviderTests
{
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 10, 8, 0, 0, TimeSpan.Zero));

    protected override TimeProvider Clock => _clock;

    // Timers off: this test runs the purge itself, at the moments it chooses.
    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
        ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
        ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
    };

    private RetentionPurge Purge => Service.Services.GetRequiredService<RetentionPurge>();

    private async Task<UserEntity> SignInAsync(string subject)
    {
        Provider.Subject = subject;
        using var browser = new Browser();
        var (response, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(await Service.UsersAsync("rp"), u => u.Subject == subject);
    }

    private async Task<int> Count(string table, string? partitionPrefix = null)
    {
        var count = 0;
        try
        {
            await foreach (var e in Service.Table(table).QueryAsync<TableEntity>(select: ["PartitionKey"]))
            {
                count += partitionPrefix is null || e.PartitionKey.StartsWith(partitionPrefix, StringComparison.Ordinal) ? 1 : 0;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return count;
    }

    [Fact]
    public async Task User_ExpiresExactlyAtTheBoundary_NotASecondEarlier_WithEveryIndex()
    {
        var user = await SignInAsync("boundary");
        Assert.Equal(_clock.GetUtcNow() + Year, user.ExpiresAt);
        Assert.Equal(1, await Count("emailindex"));
        Assert.Equal(1, await Count("expiries"));

        _clock.SetUtcNow(user.ExpiresAt - TimeSpan.FromSeconds(1));
        var early = await Purge.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, early.Erased);
        Assert.Single(await Service.UsersAsync("rp"));

        _clock.SetUtcNow(user.ExpiresAt);
        var due = await Purge.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, due.Erased);
        Assert.Empty(await Service.UsersAsync("rp"));
        Assert.Equal(0, await Count("emailindex"));
        Assert.Equal(0, await Count("expiries"));
        Assert.Null(due.OldestOverdue);
    }

    [Fact]
    public async Task SignInAgain_PushesTheExpiryForward_AndMovesItsIndexEntry()
    {
        var first = await SignInAsync("returning");
        _clock.Advance(TimeSpan.FromDays(200));
        var second = await SignInAsync("returning");
        Assert.Equal(first.ExpiresAt + TimeSpan.FromDays(200), second.ExpiresAt);
        Assert.Equal(1, await Count("expiries")); // the old day's entry is gone

        _clock.SetUtcNow(first.ExpiresAt + TimeSpan.FromDays(1));
        await Purge.RunAsync(TestContext.Current.CancellationToken);

        Assert.Single(await Service.UsersAsync("rp"));
    }

    [Fact]
    public async Task TenThousandExpiredUsers_AllGoneAfterOneRun_OthersUntouched()
    {
        var now = _clock.GetUtcNow();
        await Seed(10_000, expiresAt: now - TimeSpan.FromDays(3), prefix: "old");
        await Seed(100, expiresAt: now + TimeSpan.FromDays(30), prefix: "new");

        var result = await Purge.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(10_000, result.Erased);
        var left = await Service.UsersAsync("rp");
        Assert.Equal(100, left.Count);
        Assert.All(left, u => Assert.StartsWith("new", u.RowKey, StringComparison.Ordinal));
        Assert.Equal(100, await Count("expiries"));
        Assert.Null(result.OldestOverdue);
    }

    [Fact]
    public async Task PurgeInterruptedMidway_RunAgain_NothingLeftBehind()
    {
        var now = _clock.GetUtcNow();
        await Seed(600, expiresAt: now - TimeSpan.FromDays(1), prefix: "old", withEmail: true);

        // A crash can leave any in-between state: a run cut off by cancellation...
        using (var cut = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            try
            {
                await Purge.RunAsync(cut.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        // ...and, for certain, the two states a crash can leave: email rows and entries without their
        // records (a first sign-in cut off before its record was written), and records whose email
        // rows an erasure already removed.
        var users = Service.Table("users");
        var remaining = await Service.UsersAsync("rp");
        foreach (var user in remaining.Take(50))
        {
            await users.DeleteEntityAsync(user.PartitionKey, user.RowKey, ETag.All, TestContext.Current.CancellationToken);
        }

        var emails = Service.Services.GetRequiredService<EmailIndex>();
        foreach (var user in remaining.Skip(50).Take(50))
        {
            await emails.RemoveAsync("rp", user.Email!, user.RowKey, TestContext.Current.CancellationToken);
        }

        await Purge.RunAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await Service.UsersAsync("rp"));
        Assert.Equal(0, await Count("expiries"));
        Assert.Equal(0, await Count("emailindex"));
        Assert.Equal(0, await Count("partnerrechecks"));
    }

    [Fact]
    public async Task SignInWhileThePurgeErases_TheUserKeepsTheirRecord()
    {
        var stale = await SignInAsync("racer");
        _clock.SetUtcNow(stale.ExpiresAt);

        // The purge has read the record; the person signs in before it deletes.
        var again = await SignInAsync("racer");
        var tenant = Service.Services.GetRequiredService<Onboarding.Tenants.TenantCatalog>().Get("rp");
        var erased = await Service.Services.GetRequiredService<UserEraser>()
            .EraseManyAsync(tenant, [stale], "retention period over", TestContext.Current.CancellationToken);

        Assert.Equal(0, erased);
        var kept = Assert.Single(await Service.UsersAsync("rp"));
        Assert.Equal(2, kept.SignInCount);
        Assert.Equal(again.ExpiresAt, kept.ExpiresAt);
        Assert.Single(await Service.Services.GetRequiredService<EmailIndex>().FindAsync("rp", kept.Email!, TestContext.Current.CancellationToken));

        // and the purge of that day, run now, leaves them be
        var result = await Purge.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, result.Erased);
        Assert.Single(await Service.UsersAsync("rp"));
    }

    [Fact]
    public async Task StaffAuditEntries_FollowTheTenantsAuditRetention()
    {
        var tenant = Service.Services.GetRequiredService<Onboarding.Tenants.TenantCatalog>().Get("rp");
        var staff = new Onboarding.Staff.StaffMember(tenant, "actor", new HashSet<Onboarding.Tenants.StaffRole> { Onboarding.Tenants.StaffRole.Support }, null);
        var audit = Service.Services.GetRequiredService<Onboarding.Staff.AuditTrail>();
        await audit.WriteAsync(staff, "view", "old-target", null, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromDays(100));
        await audit.WriteAsync(staff, "view", "newer-target", null, TestContext.Current.CancellationToken);

        _clock.Advance(TimeSpan.FromDays(540 - 100) + TimeSpan.FromMinutes(1)); // the first is 540 days and a minute old
        await Purge.RunAsync(TestContext.Current.CancellationToken);

        var left = new List<string>();
        await foreach (var e in Service.Table("audit").QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
        {
            left.Add(e.GetString("TargetUser"));
        }

        Assert.Equal(["newer-target"], left);
    }

    private static readonly IReadOnlySet<Onboarding.Tenants.StaffRole> Support = new HashSet<Onboarding.Tenants.StaffRole> { Onboarding.Tenants.StaffRole.Support };

    [Fact]
    public async Task StaffDirectoryEntries_KeptAsLongAsTheAuditEntriesThatNameThem_SeenAgainKeptLonger()
    {
        var tenant = Service.Services.GetRequiredService<Onboarding.Tenants.TenantCatalog>().Get("rp");
        var directory = Service.Services.GetRequiredService<Onboarding.Staff.StaffDirectory>();
        await directory.RecordAsync(tenant, "gone-staff", "gone@example.org", Support, TestContext.Current.CancellationToken);
        await directory.RecordAsync(tenant, "staying-staff", "staying@example.org", Support, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromDays(300));
        await directory.RecordAsync(tenant, "staying-staff", "staying@example.org", Support, TestContext.Current.CancellationToken); // seen again

        _clock.Advance(TimeSpan.FromDays(540 - 300) + TimeSpan.FromMinutes(1)); // the audit retention since "gone" was last seen
        await Purge.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["staying@example.org"], (await directory.ReadAllAsync("rp", TestContext.Current.CancellationToken)).Values);
        _clock.Advance(TimeSpan.FromDays(300));
        await Purge.RunAsync(TestContext.Current.CancellationToken);
        Assert.Empty(await directory.ReadAllAsync("rp", TestContext.Current.CancellationToken));
    }

    /// <summary>Users and their expiry entries written straight to storage, in batches of 100.</summary>
    private async Task Seed(int count, DateTimeOffset expiresAt, string prefix, bool withEmail = false)
    {
        var users = Service.Table("users");
        var expiries = Service.Table("expiries");
        await users.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        await expiries.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var emails = Service.Services.GetRequiredService<EmailIndex>();
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}{i:D6}").ToList();
        foreach (var chunk in ids.GroupBy(id => UserEntity.PartitionOf("rp", id)).SelectMany(p => p.Chunk(100)))
        {
            await users.SubmitTransactionAsync(chunk.Select(id => new TableTransactionAction(TableTransactionActionType.Add, new UserEntity
            {
                PartitionKey = UserEntity.PartitionOf("rp", id),
                RowKey = id,
                Issuer = Provider.Issuer,
                Subject = id,
                Email = withEmail ? $"{id}@example.org" : null,
                FirstSignInAt = expiresAt - Year,
                LastSignInAt = expiresAt - Year,
                SignInCount = 1,
                ExpiresAt = expiresAt,
            })), TestContext.Current.CancellationToken);
            foreach (var day in chunk.GroupBy(id => ExpiryIndex.Partition("rp", expiresAt, id)))
            {
                await expiries.SubmitTransactionAsync(day.Select(id => new TableTransactionAction(TableTransactionActionType.Add,
                new ExpiryEntity
                {
                    PartitionKey = day.Key,
                    RowKey = ExpiryIndex.Row(ExpiryKinds.User, id),
                    EmailKey = withEmail ? emails.KeyOf($"{id}@example.org") : null,
                })),
                TestContext.Current.CancellationToken);
            }
            if (withEmail)
            {
                foreach (var id in chunk)
                {
                    await emails.AddAsync("rp", $"{id}@example.org", id, TestContext.Current.CancellationToken);
                }
            }
        }
    }
}
