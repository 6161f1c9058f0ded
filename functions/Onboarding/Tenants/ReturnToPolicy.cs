using Onboarding.Common;

namespace Onboarding.Tenants;

/// <summary>
/// Decides whether a <c>return_to</c> address may be used. Only absolute http(s) URLs whose exact
/// origin the tenant lists pass: this is what keeps the callback from being an open redirect.
/// </summary>
public static class ReturnToPolicy
{
    public static Uri? Check(Tenant tenant, string? returnTo)
    {
        if (string.IsNullOrEmpty(returnTo))
        {
            return null;
        }

        // Absolute only: "//evil.example" and "/\evil.example" are relative to browsers but would
        // leave the site; user-info ("https://good@evil") and fragments are refused outright.
        if (returnTo.Length > 2048
            || !Uri.TryCreate(returnTo, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0
            || returnTo.Contains('\\', StringComparison.Ordinal)
            || !tenant.AllowedReturnOrigins.Contains(OriginOf(uri)))
        {
            throw new OnboardingException(ApiError.ReturnToNotAllowed,
                "return_to must be an address on one of this platform's own sites.");
        }

        return uri;
    }

    public static string OriginOf(Uri uri) =>
        $"{uri.Scheme}://{uri.IdnHost}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}".ToLowerInvariant();
}
