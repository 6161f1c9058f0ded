using System.Net;
using System.Net.Http.Json;
using System.Web;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Glewlwyd's own login, done as its login page does it (dev/glewlwyd/NOTES.md): the authorization
/// request sends the browser to <c>login.html?callback_url=…</c>; the password goes to its auth API,
/// which sets its session cookie; the callback URL with <c>g_continue</c> then redirects to the client.
/// </summary>
public static class GlewlwydLogin
{
    public static string Password(string user) => $"{user}-password";

    /// <summary>From the provider's first answer to the client's redirect URI (not called).</summary>
    public static async Task<Uri> ToRedirectAsync(Browser browser, Uri authorizeUrl, string user)
    {
        var (_, loginPage) = await browser.FollowAsync(authorizeUrl, u => u.AbsolutePath.EndsWith("/login.html", StringComparison.Ordinal));
        var callbackUrl = HttpUtility.ParseQueryString(loginPage.Query)["callback_url"]
            ?? throw new InvalidOperationException("Glewlwyd sent no callback_url to its login page");
        var issuer = new Uri(TestEnvironment.GlewlwydIssuer);
        using var login = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(issuer, "/api/auth/"))
        {
            Content = JsonContent.Create(new { username = user, password = Password(user) }),
        });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var resume = await browser.GetAsync(new Uri(callbackUrl + "&g_continue"));
        Assert.Equal(HttpStatusCode.Found, resume.StatusCode);
        return new Uri(resume.Headers.Location!.IsAbsoluteUri ? resume.Headers.Location.AbsoluteUri : new Uri(issuer, resume.Headers.Location).AbsoluteUri);
    }
}
