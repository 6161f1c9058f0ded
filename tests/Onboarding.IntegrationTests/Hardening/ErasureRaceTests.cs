using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Privacy;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// An erasure (<c>DELETE /me</c>) on one instance racing a sign-in of the same person on another,
/// which share nothing but storage: many rounds, with the start of each side shifted by a seeded
/// random delay. Afterwards nothing of an erased person remains, or — where the sign-in came after —
/// the new record has all its entries; no entry names a user who is not there.
/// </summary>
public sealed class ErasureRaceTests : TestProviderTests
{
    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.DrainUptake.Disabled"] = "true",
        ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
    };

    [Fact]
    public async Task ErasureRacingASignInElsewhere_EveryRecordWhole_NothingLeftOfTheErased()
    {
        Provider.SubjectFromLoginHint = true;
        await using var other = await ServiceHost.StartAsync([Tenant(Provider)], settings: new Dictionary<string, string?>(Settings)
        {
            ["Storage:TablePrefix"] = Service.TablePrefix, // the same tables: two instances of one deployment
        });
        var random = new Random(20261202);
        var people = Enumerable.Range(0, 8).Select(i => $"race{i}").ToList();
        for (var round = 0; round < 4; round++)
        {
            foreach (var person in people)
            {
                await SignInAsync(Service, person);
            }

            var delays = people.Select(_ => (Erase: random.Next(0, 25), SignIn: random.Next(0, 25))).ToList();
            var answers = await Task.WhenAll(people.Select(async (person, i) =>
            {
                var erase = Task.Run(async () =>
                {
                    await Task.Delay(delays[i].Erase);
                    return await EraseAsync(Service, person);
                });
                var signIn = Task.Run(async () =>
                {
                    await Task.Delay(delays[i].SignIn);
                    return await SignInAsync(other, person);
                });
                return new[] { await erase, await signIn };
            }));
            Assert.All(answers.SelectMany(a => a), status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, $"answered {status}"));
            await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
        }
    }

    private static async Task<HttpStatusCode> SignInAsync(ServiceHost host, string person)
    {
        using var browser = new Browser();
        using var response = await browser.GetAsync(await browser.CallbackUrlAsync(host.BaseUrl, "rp", person));
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> EraseAsync(ServiceHost host, string person)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(host.BaseUrl, "api/tenants/rp/me"));
        request.Headers.Authorization = new("Bearer", "at-" + person);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}

/// <summary>
/// The interleaving the randomised race rarely hits, forced: the erasure's removal of the email row
/// is held back while the person signs in again on another instance (which finds the row still there
/// and leaves it); the erasure then removes it — and, finding the new record, gives it back.
/// </summary>
public sealed class ErasureOvertakenBySignInTests : FaultProxyTests
{
    [Fact]
    public async Task SignInElsewhereDuringTheErasure_TheNewRecordKeepsItsEmailRow()
    {
        Provider.Subject = "rosa";
        await using var other = await ServiceHost.StartAsync([TestTenants.Rp(Provider)], time: Clock, settings: new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = Service.TablePrefix, // the same tables, straight to storage
            ["AzureWebJobs.DrainUptake.Disabled"] = "true",
        });
        using (var first = new Browser())
        {
            using var signedIn = await first.GetAsync(await first.CallbackUrlAsync(Service.BaseUrl, "rp", "rosa"));
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        Proxy.DelayBy = TimeSpan.FromSeconds(1);
        Proxy.Rule = (method, address) => method == "DELETE" && address.Contains("emailindex(", StringComparison.Ordinal) ? StorageFault.Delay : StorageFault.None;
        var erase = Task.Run(async () =>
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
            request.Headers.Authorization = new("Bearer", "at-rosa");
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        });
        await WaitUntilAsync(async () => (await Service.UsersAsync("rp")).Count == 0); // past the commit point
        using (var again = new Browser())
        {
            using var signedIn = await again.GetAsync(await again.CallbackUrlAsync(other.BaseUrl, "rp", "rosa"));
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, await erase);
        Proxy.Rule = null;
        var user = Assert.Single(await Service.UsersAsync("rp"));
        Assert.Equal(1, user.SignInCount); // a new record: what was erased stays erased
        Assert.Contains(user.RowKey, await Service.Services.GetRequiredService<EmailIndex>().FindAsync("rp", user.Email!, TestContext.Current.CancellationToken));
        Assert.Contains("signed in again while being erased", Service.Logs.All, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
