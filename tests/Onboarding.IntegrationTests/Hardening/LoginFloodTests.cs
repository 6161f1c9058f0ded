using System.Net;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// <c>/login</c> writes nothing: the attempt travels sealed in the state, so an anonymous client's
/// flood of logins costs no storage at all.
/// </summary>
public sealed class LoginFloodTests : TestProviderTests
{
    [Fact]
    public async Task TwentyThousandLogins_WriteNoRow_AndASignInStillWorks()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 32 });
        var login = new Uri(Service.BaseUrl, "api/tenants/rp/login?return_to=" + Uri.EscapeDataString("https://editor.openeo.cloud/"));
        var redirects = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 20_000), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) =>
        {
            using var response = await http.GetAsync(login, ct);
            if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther)
            {
                Interlocked.Increment(ref redirects);
            }
        });

        Assert.Equal(20_000, redirects);
        foreach (var table in new[] { "consumedstates", "users", "expiries", "emailindex" })
        {
            Assert.Equal(0, await Service.CountAsync(table));
        }

        using var browser = new Browser();
        using var signIn = await browser.SignInAsync(Service.BaseUrl, "rp", "x");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(1, await Service.CountAsync("consumedstates"));
    }
}
