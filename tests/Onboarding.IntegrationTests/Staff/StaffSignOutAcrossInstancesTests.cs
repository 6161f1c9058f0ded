using System.Net;
using System.Text.RegularExpressions;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// Production runs several instances that share nothing but storage and the deployment secret. A
/// staff sign-out on one of them must end the session on the others too: with the development
/// provider (oidc-provider), the sign-out revokes the session's access token (RFC 7009), and a second
/// instance that never saw the sign-out refuses the copied cookie because the provider does.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed partial class StaffSignOutAcrossInstancesTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    [Fact]
    public async Task SignOutOnOneInstance_EndsTheSessionOnAnother()
    {
        var port = TestEnvironment.ServicePort;
        await using var second = await ServiceHost.StartAsync([TestTenants.Demo(port)]);
        using var browser = new Browser("text/html");
        var (page, _) = await browser.FollowAsync(new Uri(host.Service.BaseUrl, "api/tenants/demo/login?for=staff&login_hint=carol"));
        var html = await page.Content.ReadAsStringAsync();
        page.Dispose();
        Assert.Contains("Signed in as staff: support", html, StringComparison.Ordinal);
        var cookie = browser.Cookies.GetAllCookies().Single(c => c.Name == "onboarding-staff-demo").Value;

        using (var before = await StaffPageAsync(second, cookie))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode); // the same session works on the other instance
        }

        using var signOut = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(host.Service.BaseUrl, "api/tenants/demo/logout"))
        {
            Content = new FormUrlEncodedContent([new("csrf", SignOutToken().Match(html).Groups["token"].Value)]),
        });
        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);

        using var here = await StaffPageAsync(host.Service, cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, here.StatusCode);
        // The second instance cached the provider's answer for at most a minute; a third that never saw
        // the session asks the provider, which no longer accepts the token.
        await using var third = await ServiceHost.StartAsync([TestTenants.Demo(port)]);
        using var elsewhere = await StaffPageAsync(third, cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
        Assert.Contains("staff session has ended", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> StaffPageAsync(ServiceHost service, string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.BaseUrl, "api/tenants/demo/staff"));
        request.Headers.Add("Cookie", $"onboarding-staff-demo={cookie}");
        request.Headers.Accept.ParseAdd("text/html");
        return await http.SendAsync(request);
    }

    [GeneratedRegex("class=\"sign-out\">\\s*<input type=\"hidden\" name=\"csrf\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex SignOutToken();
}
