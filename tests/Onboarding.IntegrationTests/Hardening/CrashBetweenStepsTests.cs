using System.Net;
using Azure.Data.Tables;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// The process dies between any two of an operation's storage writes: a first sign-in, a returning
/// sign-in that changes what the indexes hold, an erasure, the uptake drain. For every point — after
/// 0, 1, 2, … writes, until the operation finishes before the crash — nothing more reaches storage,
/// a new process starts on the same tables, and then the person comes back (or does not) and the
/// timers run. Afterwards every table is read: the links between records and index entries hold,
/// the counters equal a recount of the records, and a purge at the end of retention leaves nothing.
/// </summary>
public sealed class CrashBetweenStepsTests : FaultProxyTests
{
    /// <summary>More writes than any of these operations makes: a loop that reaches it never finished.</summary>
    private const int MostWrites = 40;

    // What the records say was committed: the counters must come to the same once drained.
    private long _signUps;
    private long _signIns;

    /// <summary>Keyed on voperson_id (so a sign-in also writes an alias row), with a partner (so it also schedules a re-check).</summary>
    protected override Task<IEnumerable<TenantDocument>> TenantsAsync() =>
        Task.FromResult<IEnumerable<TenantDocument>>([TestTenants.RpWithSlowPartner(Provider) with { Id = "rp", UserKeyClaim = "voperson_id" }]);

    protected override async Task StartedAsync()
    {
        Provider.SubjectFromLoginHint = true;
        Provider.GivesVopersonId = true;
        Provider.SlowPartnerDelay = TimeSpan.Zero; // answers at once: no linked account, a re-check is due
        await SignInAsync("warm-up"); // the tables exist, as in a deployment that has served anyone
        await NoteCommittedAsync(0, 0);
    }

    [Fact]
    public async Task FirstSignIn_CrashAtEveryStep_RepairedByTheNextSignInOrThePurge()
    {
        var points = await CrashAtEveryPointAsync(
            before: _ => Task.CompletedTask,
            operation: k => SignInAsync($"new-{k}"),
            // Half of them come back; the others never do, and only the purge tidies after them.
            recovery: k => k % 2 == 0 ? SignInAsync($"new-{k}") : Task.CompletedTask);

        Assert.True(points >= 5, $"a first sign-in made only {points} writes"); // expiry, email, alias, record, re-check
        await AssertRecountedAsync();
        await AssertPurgeLeavesNothingAsync();
    }

    [Fact]
    public async Task ReturningSignInWithANewEmail_CrashAtEveryStep_RepairedByTheNextSignInOrThePurge()
    {
        var points = await CrashAtEveryPointAsync(
            before: async k =>
            {
                Provider.UserInfoEmail = null;
                await SignInAsync($"back-{k}");
                Clock.Advance(TimeSpan.FromDays(1)); // a new day: a new expiry entry, the old one to go
                Provider.UserInfoEmail = $"back-{k}@new.example.org";
            },
            operation: k => SignInAsync($"back-{k}"),
            recovery: k => k % 2 == 0 ? SignInAsync($"back-{k}") : Task.CompletedTask);

        Assert.True(points >= 6, $"a returning sign-in made only {points} writes"); // + removing the old expiry entry and email row
        await AssertRecountedAsync();
        await AssertPurgeLeavesNothingAsync();
    }

    [Fact]
    public async Task SameDayChangesOfAddress_CrashAtEveryStep_NoRowLeftThatNoEntryNames()
    {
        var points = await CrashAtEveryPointAsync(
            before: async k =>
            {
                Provider.UserInfoEmail = $"swap-{k}@one.example.org";
                await SignInAsync($"swap-{k}");
                Provider.UserInfoEmail = $"swap-{k}@two.example.org"; // the same day: the entry is written again in place
            },
            operation: k => SignInAsync($"swap-{k}"),
            recovery: async k =>
            {
                if (k % 2 == 0)
                {
                    Provider.UserInfoEmail = $"swap-{k}@three.example.org"; // and again, before anything tidied the first
                    await SignInAsync($"swap-{k}");
                }
            });

        Assert.True(points >= 5, $"a same-day change made only {points} writes"); // entry, email, record, old email, re-check
        await AssertRecountedAsync();
        await AssertPurgeLeavesNothingAsync();
    }

    [Fact]
    public async Task Erasure_CrashAtEveryStep_FinishedByThePurgeOrOvertakenByASignIn()
    {
        var points = await CrashAtEveryPointAsync(
            before: k => SignInAsync($"gone-{k}"),
            operation: k => EraseAsync($"gone-{k}"),
            recovery: async k =>
            {
                if (k % 2 == 0)
                {
                    // The next purge finishes an erasure that passed its commit point; before it, the
                    // person is whole and asks again, as the 503 told them to.
                    await Service.RunTimerAsync("PurgeExpiredData");
                    if ((await Service.UsersAsync("rp")).Any(u => u.Email == $"gone-{k}@example.org"))
                    {
                        Assert.Equal(HttpStatusCode.NoContent, await EraseAsync($"gone-{k}"));
                    }

                    Assert.DoesNotContain(await Service.UsersAsync("rp"), u => u.Email == $"gone-{k}@example.org");
                }
                else
                {
                    await SignInAsync($"gone-{k}"); // the person is back before any purge ran
                }
            });

        Assert.True(points >= 5, $"an erasure made only {points} writes"); // the drain, journal, record, email, alias, expiry, …
        await AssertRecountedAsync();
        await AssertPurgeLeavesNothingAsync();
    }

    [Fact]
    public async Task Drain_CrashAtEveryStep_CountsEveryEventOnce()
    {
        var points = await CrashAtEveryPointAsync(
            before: k => SignInAsync($"counted-{k}"),
            operation: async _ =>
            {
                await Service.DrainUptakeAsync(); // a tenant's fault is logged; its rows wait
                return HttpStatusCode.OK;
            },
            recovery: _ => Service.DrainUptakeAsync()); // the next run

        Assert.True(points >= 3, $"a drain made only {points} writes"); // markers, counters, outbox delete
        await AssertRecountedAsync();
    }

    /// <summary>
    /// For k = 0, 1, 2, …: <paramref name="before"/> without faults, then <paramref name="operation"/>
    /// with the process dying after k writes, a restart, and <paramref name="recovery"/>; until the
    /// operation finishes before the crash. Returns how many crash points there were.
    /// </summary>
    private async Task<int> CrashAtEveryPointAsync(Func<int, Task> before, Func<int, Task<HttpStatusCode>> operation, Func<int, Task> recovery)
    {
        for (var k = 0; k < MostWrites; k++)
        {
            var (people, signIns) = await CommittedAsync();
            await before(k);
            await NoteCommittedAsync(people, signIns);
            (people, signIns) = await CommittedAsync();

            Proxy.CrashAfterWrites(k);
            var answer = await operation(k);
            var crashed = Proxy.Crashed;
            Proxy.Recover();
            Assert.True(answer is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.ServiceUnavailable,
                $"crash after {k} writes: answered {(int)answer}");
            if (crashed)
            {
                await RestartServiceAsync();
            }

            var where = $"crash after {k} writes (first refused: {Proxy.CrashedAt ?? "none"})";
            await NoteCommittedAsync(people, signIns);
            await ConsistentAsync(where);
            (people, signIns) = await CommittedAsync();
            await recovery(k);
            await NoteCommittedAsync(people, signIns);
            await ConsistentAsync(where + ", then the recovery");
            if (!crashed)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{k} crash points");
                return k;
            }
        }

        Assert.Fail($"the operation still had writes to make after {MostWrites}");
        return MostWrites;
    }

    private async Task ConsistentAsync(string where)
    {
        try
        {
            await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: true);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{where}: {e.Message}");
        }
    }

    /// <summary>What the records say: how many people there are, and their sign-ins.</summary>
    private async Task<(int People, long SignIns)> CommittedAsync()
    {
        var users = await Service.UsersAsync("rp");
        return (users.Count, users.Sum(u => (long)u.SignInCount));
    }

    /// <summary>
    /// Adds what was committed since <paramref name="people"/> and <paramref name="signIns"/> were
    /// read: a new record is a sign-up, each sign-in on a record one more. An erasure takes a record
    /// and keeps its counts.
    /// </summary>
    private async Task NoteCommittedAsync(int people, long signIns)
    {
        var (nowPeople, nowSignIns) = await CommittedAsync();
        if (nowPeople >= people)
        {
            _signUps += nowPeople - people;
            _signIns += nowSignIns - signIns;
        }
    }

    private async Task AssertRecountedAsync()
    {
        await Service.DrainUptakeAsync();
        var month = await Service.ThisMonthAsync("rp");
        var users = await Service.UsersAsync("rp");
        Assert.Equal((_signUps, _signIns), (month.SignUps, month.SignIns));
        Assert.Equal(month.SignUps, month.ActiveUsers); // every life began and signed in this month
        Assert.Empty(await OutboxAsync());
        Assert.True(month.SignUps >= users.Count);
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: true);
    }

    /// <summary>After the retention period, the purge leaves nothing of anyone.</summary>
    private async Task AssertPurgeLeavesNothingAsync()
    {
        Clock.Advance(TimeSpan.FromDays(367));
        await Service.RunTimerAsync("RecheckPartners"); // every quarter of an hour it takes off those whose window closed
        await Service.RunTimerAsync("PurgeExpiredData");
        Assert.Empty(await Service.UsersAsync("rp"));
        foreach (var table in new[] { "emailindex", "subjectaliases", "expiries", "uptakemarkers", "partnerrechecks" })
        {
            Assert.True(await Service.CountAsync(table) == 0, $"{table} still has rows after the purge");
        }

        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
    }

    private async Task<List<Onboarding.Storage.OutboxEntity>> OutboxAsync()
    {
        var rows = new List<Onboarding.Storage.OutboxEntity>();
        await foreach (var row in Service.Table("users").QueryAsync<Onboarding.Storage.OutboxEntity>(
            TableClient.CreateQueryFilter($"RowKey ge {Onboarding.Storage.Outbox.Prefix} and RowKey lt {"~o}"}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<HttpStatusCode> SignInAsync(string person)
    {
        using var browser = new Browser();
        using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", person));
        AssertAnswered(response);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> EraseAsync(string person)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
        request.Headers.Authorization = new("Bearer", $"at-{person}");
        using var response = await http.SendAsync(request);
        AssertAnswered(response);
        return response.StatusCode;
    }

    /// <summary>A success, or a 503 that says when to come back — never a 500.</summary>
    private static void AssertAnswered(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Assert.NotNull(response.Headers.RetryAfter);
        }
        else
        {
            Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}");
        }
    }
}
