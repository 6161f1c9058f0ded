using System.Net;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// One person many times at once, as the field does it: a script or the web editor firing 50 requests
/// with one new token, and 50 browser tabs signing in over two instances. Every request is answered
/// 200 and counted as what it is.
/// </summary>
public sealed class SamePersonAtOnceTests : TestProviderTests
{
    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.DrainUptake.Disabled"] = "true",
    };

    [Fact]
    public async Task FiftyConcurrentMe_WithOneNewToken_All200_OnePersonCountedOnce()
    {
        Provider.Subject = "fay";
        using var http = new HttpClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/me"));
            request.Headers.Authorization = new("Bearer", "at-fay");
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(1, Assert.Single(await Service.UsersAsync("rp")).SignInCount); // a token counts once a day
        await Service.DrainUptakeAsync();
        var month = await Service.ThisMonthAsync("rp");
        Assert.Equal((1, 1, 1), (month.SignUps, month.ActiveUsers, month.SignIns));
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
    }

    [Fact]
    public async Task FiftyBrowsersOfOnePerson_OverTwoInstances_All200_FiftySignIns()
    {
        Provider.Subject = "gus";
        await using var other = await ServiceHost.StartAsync([Tenant(Provider)], settings: new Dictionary<string, string?>(Settings)
        {
            ["Storage:TablePrefix"] = Service.TablePrefix,
        });
        var callbacks = new List<(Browser Browser, Uri Callback)>();
        for (var i = 0; i < 50; i++)
        {
            var browser = new Browser();
            callbacks.Add((browser, await browser.CallbackUrlAsync(i % 2 == 0 ? Service.BaseUrl : other.BaseUrl, "rp", "gus")));
        }

        var answers = await Task.WhenAll(callbacks.Select(async c =>
        {
            using var response = await c.Browser.GetAsync(c.Callback);
            return response.StatusCode;
        }));
        callbacks.ForEach(c => c.Browser.Dispose());

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(50, Assert.Single(await Service.UsersAsync("rp")).SignInCount);
        await Service.DrainUptakeAsync();
        var month = await Service.ThisMonthAsync("rp");
        Assert.Equal((1, 1, 50), (month.SignUps, month.ActiveUsers, month.SignIns));
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
    }
}
