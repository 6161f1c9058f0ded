using Onboarding.Common;

namespace Onboarding.Tenants;

/// <summary>
/// Decides whether a <c>return_to</c> address may be used. Only absolute http(s) URLs whose exact
/// origin the tenant lists pass: this is what keeps the callback from being an open redirect.
/// </summary>
public static class ReturnToPolicy
{
    public static Uri? Check(Tenant tenant, string? returnTo) =>
        string.IsNullOrEmpty(returnTo) ? null
        : IsAllowed(tenant, returnTo, out var uri) ? uri
        : throw new OnboardingException(ApiError.ReturnToNotAllowed,
            "return_to must be an absolute address on one of this platform's allowed origins (allowedReturnOrigins).");

    /// <summary>The address when it is one the tenant allows, else null (for links on pages, which never fail for it).</summary>
    public static Uri? Allowed(Tenant tenant, string? returnTo) =>
        !string.IsNullOrEmpty(returnTo) && IsAllowed(tenant, returnTo, out var uri) ? uri : null;

    private static bool IsAllowed(Tenant tenant, string returnTo, out Uri uri)
    {
        // Absolute only: "//evil.example" and "/\evil.example" are relative to browsers but would
        // leave the site; user-info ("https://good@evil") and fragments are refused outright.
        uri = null!;
        return returnTo.Length <= 2048
            && Uri.TryCreate(returnTo, UriKind.Absolute, out uri!)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.UserInfo.Length == 0
            && !returnTo.Contains('\\', StringComparison.Ordinal)
            && tenant.AllowedReturnOrigins.Contains(OriginOf(uri));
    }

    public static string OriginOf(Uri uri) =>
        $"{uri.Scheme}://{uri.IdnHost}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}".ToLowerInvariant();
}
