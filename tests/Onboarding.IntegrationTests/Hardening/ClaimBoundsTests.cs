using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Claims a provider should never send, sent anyway: the sign-in still works, nothing unsafe is
/// stored or indexed, and the person's page says the email was not shared.
/// </summary>
public sealed class ClaimBoundsTests : TestProviderTests
{
    public static TheoryData<string> Emails() => new()
    {
        new string('a', 40_000) + "@example.org",  // once a 500 at the callback with index rows left behind
        "\ud800@example.org",                       // a lone surrogate, escaped in the provider's JSON
        "alice@vito.be\u202Egro.live",             // a right-to-left override
        "bob@example.org\r\nBcc: x@example.org",
    };

    [Theory]
    [MemberData(nameof(Emails))]
    public async Task UnsafeEmailClaim_SignInWorks_NoEmailStoredOrIndexed(string email)
    {
        Provider.Subject = "odd";
        Provider.UserInfoEmail = email;
        using var browser = new Browser();

        using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "odd"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("email").ValueKind);
        Assert.Null(Assert.Single(await Service.UsersAsync("rp")).Email);
        Assert.Equal(0, await Service.CountAsync("emailindex"));
    }
}
