using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Privacy;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Storage faults in the middle of real traffic — connections refused, answers lost after storage did
/// the work, answers reset mid-body (a quarter of all storage requests, reproducible from a seed) —
/// during sign-ins, <c>/me</c> and staff actions. Every answer is a success or a 503 with
/// <c>Retry-After</c>, never a 500; once the faults stop and the timers have run, every invariant holds:
/// each user has its index entries, the uptake counts equal a recount of the records, and a purge
/// leaves nothing of anyone behind.
/// </summary>
public sealed class StorageFaultInvariantTests : FaultProxyTests
{
    private const string Support = "urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu";

    // FAULT_SEED=n reruns it with another seed (the interleaving of concurrent requests varies a little anyway).
    protected override int Seed => int.TryParse(Environment.GetEnvironmentVariable("FAULT_SEED"), out var seed) ? seed : 20261202;

    protected override Task<IEnumerable<TenantDocument>> TenantsAsync() =>
        Task.FromResult<IEnumerable<TenantDocument>>([TestTenants.Rp(Provider) with { Staff = new StaffDocument { Support = [Support] } }]);

    protected override Task StartedAsync()
    {
        Provider.SubjectFromLoginHint = true;
        Provider.Entitlements = [Support];
        return Task.CompletedTask;
    }

    [Fact]
    public async Task UnderStorageFaults_OnlySuccessOr503_ThenEveryInvariantHolds()
    {
        var people = Enumerable.Range(0, 12).Select(i => $"p{i:D2}").ToList();
        var answers = new ConcurrentBag<(string What, HttpResponseMessage Response)>();
        var signedIn = new ConcurrentDictionary<string, bool>();
        Proxy.FaultRate = 0.25;

        // Three rounds of browser sign-ins, eight at once, and the platform's clients calling /me.
        for (var round = 0; round < 3; round++)
        {
            await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (person, _) =>
            {
                using var browser = new Browser();
                var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", person);
                var response = await browser.GetAsync(callback);
                answers.Add(("callback", response));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    signedIn[person] = true;
                }

                answers.Add(("me", await BearerAsync(HttpMethod.Get, "me", "at-" + person)));
            });
        }

        // Staff actions: a re-check of each person, and one erasure.
        var ids = people.ToDictionary(p => p, p => UserIds.For(Provider.Issuer, p));
        foreach (var person in people.Take(6))
        {
            answers.Add(("recheck", await BearerAsync(HttpMethod.Post, $"support/users/{ids[person]}/recheck", "at-staff")));
        }

        var erased = people[^1];
        var erasedSignIns = (await UsersAsync()).SingleOrDefault(u => u.RowKey == ids[erased])?.SignInCount ?? 0;
        var erasure = await BearerAsync(HttpMethod.Delete, $"support/users/{ids[erased]}", "at-staff");
        answers.Add(("erase", erasure));
        Proxy.FaultRate = 0;

        // What callers saw.
        Assert.True(Proxy.Injected > 20, $"only {Proxy.Injected} faults in {Proxy.Requests} storage requests");
        foreach (var (what, response) in answers)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable,
                $"{what}: {(int)response.StatusCode} {body}");
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Contains(answers, a => a.Response.StatusCode == HttpStatusCode.ServiceUnavailable); // the faults did reach callers
        Assert.DoesNotContain("Unexpected failure", Service.Logs.All, StringComparison.Ordinal);

        // The drain meets the faults too (its transactions retried, answers lost); then the timers run once without.
        Proxy.FaultRate = 0.25;
        for (var run = 0; run < 3; run++)
        {
            await Service.DrainUptakeAsync(); // a tenant's failing run is logged; its rows wait
        }

        Proxy.FaultRate = 0;
        await Service.DrainUptakeAsync();
        var users = await UsersAsync();
        var erasureDone = users.All(u => u.RowKey != ids[erased]);
        Assert.True(erasureDone || erasure.StatusCode == HttpStatusCode.ServiceUnavailable, "an answered erasure left the record");

        // No answered sign-in is lost.
        foreach (var person in signedIn.Keys.Where(p => p != erased || !erasureDone))
        {
            Assert.Contains(users, u => u.RowKey == ids[person]);
        }

        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: true);

        // No sign-in applied twice: a lost answer's retry finds its own write (UserEntity.WriteId).
        // Each person made three browser sign-ins and one /me (a bearer token counts once a day).
        Assert.All(users, u => Assert.True(u.SignInCount <= 4, $"user {u.RowKey[..8]} counted {u.SignInCount} sign-ins of at most 4"));

        // The counts equal a recount of the records (the erased person's counts stay, as erasure keeps them).
        var month = await Service.ThisMonthAsync("rp");
        var createdPeople = users.Count + (erasureDone && erasedSignIns > 0 ? 1 : 0);
        var recountedSignIns = users.Sum(u => u.SignInCount) + (erasureDone ? erasedSignIns : 0);
        Assert.Equal((createdPeople, createdPeople, recountedSignIns), (month.SignUps, month.ActiveUsers, month.SignIns));

        // A purge once everyone's data has expired leaves nothing personal behind.
        Clock.Advance(TimeSpan.FromDays(366));
        await Service.RunTimerAsync("PurgeExpiredData");
        await Service.RunTimerAsync("PurgeExpiredSignInState");
        Assert.Empty(await UsersAsync());
        foreach (var table in new[] { "emailindex", "subjectaliases", "expiries", "uptakemarkers", "consumedstates" })
        {
            Assert.True(await Service.CountAsync(table) == 0, $"{table} still has {await Service.CountAsync(table)} rows");
        }
    }

    private async Task<HttpResponseMessage> BearerAsync(HttpMethod method, string path, string token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(Service.BaseUrl, "api/tenants/rp/" + path));
        request.Headers.Authorization = new("Bearer", token);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private Task<List<UserEntity>> UsersAsync() => Service.UsersAsync("rp");


}

/// <summary>
/// An erasure on request that stops half-way: before its commit point (the record's delete) the
/// person stays whole; after it, the next purge run finishes the erasure from the journal entry.
/// </summary>
public sealed class InterruptedErasureTests : FaultProxyTests
{
    protected override async Task StartedAsync()
    {
        Provider.Subject = "erin";
        using var browser = new Browser();
        using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "erin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Service.DrainUptakeAsync();
    }

    private static bool IsRecordDelete(string method, string path) =>
        method == "DELETE" && path.Contains("users(", StringComparison.Ordinal);

    [Fact]
    public async Task StoppedAfterTheRecordWent_ThePurgeFinishesIt_NothingLeft()
    {
        var recordGone = false;
        Proxy.Rule = (method, path) =>
        {
            if (recordGone)
            {
                return StorageFault.Refuse; // storage goes away right after the commit point
            }

            recordGone = IsRecordDelete(method, path);
            return StorageFault.None;
        };

        using var erase = await EraseAsync();
        Proxy.Rule = null;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, erase.StatusCode);
        Assert.Empty(await Service.UsersAsync("rp"));
        Assert.True(await Service.CountAsync("emailindex") > 0); // what the erasure did not get to
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: true); // ...named by the journal entry

        await Service.RunTimerAsync("PurgeExpiredData"); // the same day: the journal entry is due at once
        foreach (var table in new[] { "emailindex", "expiries", "uptakemarkers", "partnerrechecks" })
        {
            Assert.True(await Service.CountAsync(table) == 0, $"{table} still has rows");
        }
    }

    [Fact]
    public async Task StoppedBeforeTheRecordWent_ThePersonStaysWhole_AndThePurgeKeepsThem()
    {
        Proxy.Rule = (method, path) => IsRecordDelete(method, path) ? StorageFault.Refuse : StorageFault.None;

        using var erase = await EraseAsync();
        Proxy.Rule = null;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, erase.StatusCode);
        var user = Assert.Single(await Service.UsersAsync("rp"));
        Assert.Contains(user.RowKey, await Service.Services.GetRequiredService<EmailIndex>().FindAsync("rp", user.Email!, TestContext.Current.CancellationToken));
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: true); // the journal entry, until the purge
        await Service.RunTimerAsync("PurgeExpiredData");
        Assert.Single(await Service.UsersAsync("rp"));
        Assert.Equal(1, await Service.CountAsync("expiries")); // the journal entry gone, the person's own kept
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
        Assert.Contains(user.RowKey, await Service.Services.GetRequiredService<EmailIndex>().FindAsync("rp", user.Email!, TestContext.Current.CancellationToken));
    }

    private async Task<HttpResponseMessage> EraseAsync()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
        request.Headers.Authorization = new("Bearer", "at-erin");
        return await http.SendAsync(request);
    }

}
