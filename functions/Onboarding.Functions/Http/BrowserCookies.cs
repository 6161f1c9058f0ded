using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Onboarding.SignIn;
using Onboarding.Staff;
using Onboarding.Users;

namespace Onboarding.Functions.Http;

/// <summary>
/// The service's three browser cookies, per tenant: the login cookie (binds a login attempt to the
/// browser that started it), the person's session and the staff session. All HttpOnly, so scripts
/// cannot read them.
/// </summary>
/// <remarks>
/// <para><b>SameSite=Lax, not Strict.</b> The provider is always on another site (EGI Check-in is
/// <c>aai.egi.eu</c>), so the sign-in ends in a redirect chain that started cross-site; browsers
/// send no Strict cookie anywhere on that chain, and the staff page or status page reached at its
/// end would not see the session just set (the person "lands on sign in again"). Lax cookies come
/// with top-level GET navigations only, never with cross-site POSTs, images, frames or fetches.
/// What Strict was meant to add is kept by other means: every state-changing request (the erase
/// and staff forms, sign-out) needs the session's anti-forgery token, DELETE and the support API's
/// changes are bearer-only, and no GET changes anything.</para>
/// <para><b>__Host- prefix</b> whenever the public address is https: such a cookie must be Secure,
/// have Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it (login CSRF by
/// cookie planting). On the plain-http loopback lab browsers refuse the prefix (it needs Secure);
/// there the names lack it, which is the one documented difference from production.</para>
/// <para>Names carry the tenant, so a browser can hold sessions of two platforms at once.</para>
/// </remarks>
public sealed class BrowserCookies(IOptions<SignInOptions> options, TimeProvider time)
{
    private bool Secure => options.Value.SecureCookies;

    public string Name(string kind, string tenantId) => $"{(Secure ? "__Host-" : "")}onboarding-{kind}-{tenantId}";

    public string? ReadLogin(HttpRequest request, string tenantId) => Read(request, "login", tenantId);

    /// <summary>
    /// Kept an hour longer than the attempt it belongs to, so that a sign-in that took too long is
    /// told so ("took too long"), not "started in another browser".
    /// </summary>
    public void WriteLogin(HttpResponse response, string tenantId, string value) =>
        Write(response, "login", tenantId, value, options.Value.LoginAttemptLifetime + TimeSpan.FromHours(1));

    public string? ReadSession(HttpRequest request, string tenantId) => Read(request, "session", tenantId);

    public void WriteSession(HttpResponse response, UserSession session) =>
        Write(response, "session", session.TenantId, session.Value, UserSessions.Lifetime);

    public string? ReadStaff(HttpRequest request, string tenantId) => Read(request, "staff", tenantId);

    /// <summary>Kept as long as the session lasts (at most an hour, never past its access token).</summary>
    public void WriteStaff(HttpResponse response, StaffSession session) =>
        Write(response, "staff", session.TenantId, session.Value, session.ExpiresAt - time.GetUtcNow());

    /// <summary>The language the person picked with the pages' switch (not per tenant: a person reads every platform in it).</summary>
    public string? ReadLanguage(HttpRequest request) => request.Cookies[LanguageName];

    /// <summary>A preference, nothing personal: kept a year.</summary>
    public void WriteLanguage(HttpResponse response, string language) =>
        response.Cookies.Append(LanguageName, language, Options(TimeSpan.FromDays(365)));

    private string LanguageName => $"{(Secure ? "__Host-" : "")}onboarding-lang";

    /// <summary>Ends both sessions of this tenant in this browser.</summary>
    public void ClearSessions(HttpResponse response, string tenantId)
    {
        response.Cookies.Delete(Name("session", tenantId), Options(TimeSpan.Zero));
        response.Cookies.Delete(Name("staff", tenantId), Options(TimeSpan.Zero));
    }

    private string? Read(HttpRequest request, string kind, string tenantId) => request.Cookies[Name(kind, tenantId)];

    private void Write(HttpResponse response, string kind, string tenantId, string value, TimeSpan maxAge) =>
        response.Cookies.Append(Name(kind, tenantId), value, Options(maxAge));

    /// <param name="maxAge">Secure comes from the configured public address, not from the request: behind
    /// the Functions front end the worker sees plain http even when the browser used https.</param>
    private CookieOptions Options(TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        Secure = Secure,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
