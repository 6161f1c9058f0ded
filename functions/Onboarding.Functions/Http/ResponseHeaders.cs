using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Tenants;

namespace Onboarding.Functions.Http;

/// <summary>
/// The headers every answer of the service carries, set in one place (the responder) for both hosts.
/// </summary>
public sealed class ResponseHeaders(TenantCatalog tenants, IOptions<SignInOptions> options)
{
    private readonly bool _https = options.Value.PublicBaseUrl.Scheme == Uri.UriSchemeHttps;

    /// <summary>Each tenant's <c>form-action</c> sources, worked out once (tenants are fixed at start).</summary>
    private readonly Dictionary<string, string> _formAction = tenants.All.ToDictionary(t => t.Id, FormAction, StringComparer.Ordinal);

    public void Apply(HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        var tenant = tenants.Find(Routes.TenantOf(request.Path.Value));

        // Pages: no script at all, styles only from the service's own stylesheet, never framed
        // (the erase confirmation and the staff page must not be clickjacked), forms only to the
        // service and the tenant's provider (sign-out continues there). Harmless on JSON.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; "
            + $"form-action {(tenant is null ? "'self'" : _formAction[tenant.Id])}; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        // The callback's address holds code and state: no page reached from it may pass it on.
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Nearly every answer is personal (a status, a record, a report for staff). What may be
        // cached (the stylesheet) says so itself.
        headers.CacheControl = "no-store";
        if (_https)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }

        Cors.Apply(request, tenant);
    }

    /// <summary>
    /// Where the pages' forms may go, redirects included: Chromium checks <c>form-action</c> on every
    /// redirect after a form is sent, and sign-out is a form POST answered with a 303 to the
    /// provider's <c>end_session_endpoint</c>. That endpoint lies on the issuer's origin or on one of
    /// the tenant's <c>trustedEndpointBaseAddresses</c> (discovery refuses endpoints anywhere else), so
    /// these origins cover it without waiting for the provider's metadata, which a page rendered
    /// right after a cold start may not have yet.
    /// </summary>
    private static string FormAction(Tenant tenant) =>
        string.Join(' ', new[] { "'self'", Origin(tenant.Issuer) }
            .Concat(tenant.TrustedEndpointBaseAddresses.Select(Origin))
            .Distinct(StringComparer.OrdinalIgnoreCase));

    private static string Origin(string url) => new Uri(url).GetLeftPart(UriPartial.Authority);
}
