using System.Net;
using System.Text.RegularExpressions;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.SignIn;

/// <summary>Sign-ins and failed sign-ins log tenant, a pseudonymous reference and the reason; nothing personal or secret.</summary>
public sealed class LogPrivacyTests : TestProviderTests
{

    [Fact]
    public async Task SignInAndFailures_LogNoEmailTokenCodeStateOrSecret()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "x");
        using (var ok = await browser.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var replay = await browser.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        }

        Provider.MutateIdToken = c => c["nonce"] = "wrong";
        using (var bad = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "y")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var logs = Service.Logs.All;
        var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
        Assert.Contains("Sign-in succeeded: tenant rp", logs, StringComparison.Ordinal);
        Assert.Contains("LoginAttemptUnknown", logs, StringComparison.Ordinal);
        Assert.Contains("nonce mismatch", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("@example.org", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Provider.Subject, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(query["code"]!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(query["state"]!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(TestOidcProvider.ClientSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"eyJ[\w-]+\.eyJ[\w-]+"), logs); // no JWT
    }
}
