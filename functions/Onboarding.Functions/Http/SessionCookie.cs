using Microsoft.AspNetCore.Http;
using Onboarding.Users;

namespace Onboarding.Functions.Http;

/// <summary>
/// The browser's self-service session after sign-in: HttpOnly, SameSite=Strict (never sent from
/// another site, so links and forms elsewhere cannot use it), Secure except on plain-http loopback,
/// scoped to the tenant's paths, and short.
/// </summary>
public static class SessionCookie
{
    public const string Name = "onboarding_session";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    public static void Write(HttpResponse response, UserSession session, bool secure) =>
        response.Cookies.Append(Name, session.Value, Options(session.TenantId, secure, UserSessions.Lifetime));

    public static void Clear(HttpResponse response, string tenantId, bool secure) =>
        response.Cookies.Delete(Name, Options(tenantId, secure, TimeSpan.Zero));

    internal static CookieOptions Options(string tenantId, bool secure, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        Secure = secure,
        SameSite = SameSiteMode.Strict,
        Path = $"/api/tenants/{tenantId}/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}

/// <summary>The staff page's session cookie: the same protections, at most one hour.</summary>
public static class StaffCookie
{
    public const string Name = "onboarding_staff";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    public static void Write(HttpResponse response, Onboarding.Staff.StaffSession session, bool secure) =>
        response.Cookies.Append(Name, session.Value, SessionCookie.Options(session.TenantId, secure, Onboarding.Staff.StaffSessions.Lifetime));
}
