using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
using Onboarding.Users;

namespace Onboarding.Tests.Http;

public sealed class BrowserCookiesTests
{
    [Fact]
    public void Https_CookiesTakeTheHostPrefix_SecurePathRootNoDomain_Lax()
    {
        var header = SessionCookieHeader("https://onboarding.example.org");

        Assert.StartsWith("__Host-onboarding-session-demo=", header, StringComparison.Ordinal);
        Assert.Contains("secure", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/;", header + ";", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", header, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void PlainHttpLoopback_NoPrefix_NotSecure_TheLabsOneException()
    {
        var header = SessionCookieHeader("http://127.0.0.1:7071");

        Assert.StartsWith("onboarding-session-demo=", header, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", header, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Names_CarryTheTenant_SoTwoPlatformsSessionsLiveSideBySide() =>
        Assert.NotEqual(Cookies("https://x.example.org").Name("session", "demo"), Cookies("https://x.example.org").Name("session", "other"));

    private static BrowserCookies Cookies(string publicBaseUrl) =>
        new(Options.Create(new SignInOptions { PublicBaseUrl = new Uri(publicBaseUrl), TenantsFile = "x" }), TimeProvider.System);

    private static string SessionCookieHeader(string publicBaseUrl)
    {
        var context = new DefaultHttpContext();
        Cookies(publicBaseUrl).WriteSession(context.Response, new UserSession("demo", "user", DateTimeOffset.UnixEpoch, "value"));
        return context.Response.Headers.SetCookie.ToString();
    }
}
