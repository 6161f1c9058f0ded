using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Tenants;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// An email the provider says it has not verified (<c>email_verified: false</c>, as social and some
/// institutional logins send) is stored as such, and marked wherever staff find people by email, so
/// nobody mistakes a typed-in address for the person it names.
/// </summary>
public sealed class UnverifiedEmailTests : TestProviderTests
{
    private const string Support = "urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu";

    protected override TenantDocument Tenant(TestOidcProvider provider) => TestTenants.Rp(provider) with
    {
        Staff = new StaffDocument { Support = [Support] },
    };

    [Fact]
    public async Task UnverifiedEmail_StoredAsSuch_MarkedInTheApiAndOnTheStaffPage_UntilTheProviderVerifiesIt()
    {
        Provider.SubjectFromLoginHint = true;
        Provider.Entitlements = [Support];
        Provider.EmailVerified = false;
        using (var person = new Browser())
        {
            (await person.SignInAsync(Service.BaseUrl, "rp", "mallory")).Dispose();
        }

        Assert.False(Assert.Single(await Service.UsersAsync("rp")).EmailVerified);
        Assert.False((await LookUpAsync()).GetProperty("email_verified").GetBoolean());
        using var staff = await StaffBrowserAsync();
        var page = await StaffSearchAsync(staff);
        Assert.Contains("not verified", page, StringComparison.Ordinal);

        Provider.EmailVerified = true;
        using (var person = new Browser())
        {
            (await person.SignInAsync(Service.BaseUrl, "rp", "mallory")).Dispose();
        }

        Assert.True((await LookUpAsync()).GetProperty("email_verified").GetBoolean());
        Assert.DoesNotContain("not verified", await StaffSearchAsync(staff), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderSilentOnVerification_StoredAsUnknown_NotFlagged()
    {
        Provider.SubjectFromLoginHint = true;
        Provider.Entitlements = [Support];
        using (var person = new Browser())
        {
            (await person.SignInAsync(Service.BaseUrl, "rp", "mallory")).Dispose();
        }

        Assert.Null(Assert.Single(await Service.UsersAsync("rp")).EmailVerified);
        Assert.Equal(JsonValueKind.Null, (await LookUpAsync()).GetProperty("email_verified").ValueKind);
        using var staff = await StaffBrowserAsync();
        Assert.DoesNotContain("not verified", await StaffSearchAsync(staff), StringComparison.Ordinal);
    }

    private async Task<JsonElement> LookUpAsync()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/rp/support/users?email=mallory@example.org"));
        request.Headers.Authorization = new("Bearer", "at-carol");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return Assert.Single(body.GetProperty("users").EnumerateArray().ToList());
    }

    private async Task<Browser> StaffBrowserAsync()
    {
        var browser = new Browser("text/html");
        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login?for=staff&login_hint=carol"));
        page.Dispose();
        return browser;
    }

    private async Task<string> StaffSearchAsync(Browser staff)
    {
        var html = await StaffForms.ResultsAsync(staff, Service.BaseUrl, "rp", ("email", "mallory@example.org"));
        Assert.Contains("mallory@example.org", html, StringComparison.Ordinal);
        return html;
    }
}
