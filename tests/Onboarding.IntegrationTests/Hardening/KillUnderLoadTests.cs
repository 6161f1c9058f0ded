using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// The service as its own process, killed with SIGKILL every second or two (ten times at least) while browsers sign in
/// and API clients call <c>/me</c>, and started again on the same port and tables (as the Functions
/// host restarts a worker that died), its drain timer running on its own schedule in between. Then
/// every timer runs once, and every table is read: no answered sign-in was lost, the counters equal
/// a recount of the records, and every record has its index entries.
/// </summary>
public sealed class KillUnderLoadTests : IAsyncLifetime
{
    private const int People = 30;
    private const int Browsers = 6;
    private const int Kills = 10;
    private const int SignIns = 100;

    /// <summary>The load goes on until both counts are reached; on a slow machine longer, never past this.</summary>
    private static readonly TimeSpan MostLoad = TimeSpan.FromSeconds(150);

    private TestOidcProvider _provider = null!;
    private string _tablePrefix = null!;
    private string _tenantsFile = null!;
    private LocalHostProcess _service = null!;

    private TenantDocument Tenant => TestTenants.RpWithSlowPartner(_provider) with { Id = "rp", UserKeyClaim = "voperson_id" };

    public async ValueTask InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _provider.SubjectFromLoginHint = true;
        _provider.GivesVopersonId = true;
        _provider.SlowPartnerDelay = TimeSpan.Zero;
        _tablePrefix = "t" + Guid.NewGuid().ToString("N")[..12];
        _tenantsFile = Path.Combine(Path.GetTempPath(), $"tenants-{_tablePrefix}-process.json");
        await File.WriteAllTextAsync(_tenantsFile, JsonSerializer.Serialize(new { tenants = new[] { Tenant } }));
        var port = TestEnvironment.FreePort();
        var settings = ServiceHost.Settings(port, _tablePrefix, _tenantsFile);
        settings["Logging:LogLevel:Default"] = "Information"; // its log is a file for when this fails, not a capture
        settings["Logging:LogLevel:Microsoft"] = "Warning";
        settings["Logging:LogLevel:System"] = "Warning";
        settings.Remove("Logging:LogLevel:Microsoft.AspNetCore");
        Directory.CreateDirectory(TestEnvironment.Artifacts);
        var log = Path.Combine(TestEnvironment.Artifacts, "kill-under-load.log");
        File.Delete(log);
        _service = new LocalHostProcess(port, settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!), log);
        await _service.StartAsync();
    }

    [Fact]
    public async Task KilledEverySecondOrTwo_NoAnsweredSignInLost_CountsEqualARecount()
    {
        var answered = new ConcurrentDictionary<string, int>(); // person → sign-ins answered 200
        var seen = new ConcurrentDictionary<string, bool>(); // person → /me answered 200 at least once
        var answers = new ConcurrentDictionary<int, int>();
        var unanswered = 0;
        var started = DateTimeOffset.UtcNow;
        using var stop = new CancellationTokenSource(MostLoad);

        async Task BrowseAsync(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var person = $"p{random.Next(People)}";
                try
                {
                    if (random.Next(6) == 0)
                    {
                        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_service.BaseUrl, "api/tenants/rp/me"));
                        request.Headers.Authorization = new("Bearer", $"at-{person}");
                        using var me = await http.SendAsync(request);
                        Note(me);
                        if (me.StatusCode == HttpStatusCode.OK)
                        {
                            seen[person] = true;
                        }

                        continue;
                    }

                    using var browser = new Browser();
                    using var response = await browser.GetAsync(await browser.CallbackUrlAsync(_service.BaseUrl, "rp", person));
                    Note(response);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        answered.AddOrUpdate(person, 1, (_, n) => n + 1);
                    }
                }
                // A SocketException unwrapped: .NET reads the connection's remote end after connecting, and the
                // process can die in between ("Transport endpoint is not connected"), seen once in 2026-12.
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
                {
                    Interlocked.Increment(ref unanswered); // the process died under the request, or is starting
                    await Task.Delay(20);
                }
            }
        }

        void Note(HttpResponseMessage response)
        {
            answers.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        async Task KillAsync()
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested && (_service.Starts <= Kills || answered.Values.Sum() < SignIns))
            {
                // Each process lives 0.7–2 s once it answers (StartAsync waits for that), then SIGKILL.
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(700, 2000)));
                await _service.KillAsync();
                await _service.StartAsync();
            }

            await stop.CancelAsync();
        }

        await Task.WhenAll(Enumerable.Range(0, Browsers).Select(BrowseAsync).Append(KillAsync()));

        var codes = string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} × {a.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{_service.Starts - 1} kills; answers {codes}; {unanswered} requests cut; {answered.Values.Sum()} sign-ins answered");
        Assert.True(_service.Starts > Kills, $"killed only {_service.Starts - 1} times in {MostLoad}");
        Assert.True(answered.Values.Sum() >= SignIns, $"only {answered.Values.Sum()} sign-ins answered ({codes}; {unanswered} cut)");
        Assert.True(unanswered > 0, "no request was ever cut: the kills missed the load");
        Assert.DoesNotContain(answers.Keys, code => code >= 500 && code != 503);
        Assert.DoesNotContain(answers.Keys, code => code >= 400 && code < 500); // nothing a crash did blames the person

        // The last process ends too; every timer then runs once, in a host of the test's own.
        await _service.KillAsync();
        await using var check = await ServiceHost.StartAsync([Tenant], tablePrefix: _tablePrefix);
        foreach (var timer in new[] { "DrainUptake", "RecheckPartners", "PurgeExpiredData", "PurgeExpiredSignInState" })
        {
            await check.RunTimerAsync(timer);
        }

        var users = await check.UsersAsync("rp");
        var byEmail = users.ToDictionary(u => u.Email!);
        foreach (var (person, count) in answered)
        {
            Assert.True(byEmail.TryGetValue($"{person}@example.org", out var user), $"{person}'s answered sign-ins were lost");
            Assert.True(user!.SignInCount >= count, $"{person}: {count} sign-ins answered, {user.SignInCount} recorded");
        }

        Assert.All(seen.Keys, person => Assert.Contains($"{person}@example.org", byEmail.Keys));
        // Every month the load touched (one, unless it ran over the turn of a month).
        var months = await check.Services.GetRequiredService<Onboarding.Uptake.UptakeReports>().ReadAsync(
            check.Services.GetRequiredService<TenantCatalog>().Get("rp"),
            Onboarding.Uptake.ReportQuery.Parse($"{started:yyyy-MM}", $"{DateTimeOffset.UtcNow:yyyy-MM}", null, DateTimeOffset.UtcNow),
            TestContext.Current.CancellationToken);
        Assert.Equal((users.Count, users.Sum(u => (long)u.SignInCount)), (months.Sum(m => m.Totals.SignUps), months.Sum(m => m.Totals.SignIns)));
        if (months.Count == 1)
        {
            Assert.Equal(users.Count, months[0].Totals.ActiveUsers);
        }
        await Invariants.AssertConsistentAsync(check, "rp", orphansAllowed: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _provider.DisposeAsync();
        File.Delete(_tenantsFile);
    }
}
