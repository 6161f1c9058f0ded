using Microsoft.AspNetCore.Http;

namespace Onboarding.Functions.Http;

/// <summary>
/// The cookie that binds a login attempt to the browser that started it. HttpOnly so scripts cannot
/// read it, SameSite=Lax so it comes back on the provider's top-level redirect, Secure except on
/// plain-http loopback (local runs), and scoped to the tenant's own paths.
/// </summary>
public static class LoginCookie
{
    public const string Name = "onboarding_login";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    /// <param name="secure">From the service's configured public address, not from the request:
    /// behind the Functions front end the worker sees plain http even when the browser used https.</param>
    public static void Write(HttpResponse response, string tenantId, string value, TimeSpan lifetime, bool secure)
    {
        response.Cookies.Append(Name, value, new CookieOptions
        {
            HttpOnly = true,
            Secure = secure,
            SameSite = SameSiteMode.Lax,
            Path = $"/api/tenants/{tenantId}/",
            MaxAge = lifetime,
            IsEssential = true,
        });
    }
}
