using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.Functions.Http;

/// <summary>
/// CORS for the JSON API that browser apps of the tenant (the openEO web editor) call with a bearer
/// token: only for the tenant's allowed origins, only on these paths, never in credentials mode (no
/// cookie of the service is ever usable from another origin). Pages and forms get no CORS at all.
/// </summary>
/// <remarks>The app answers CORS itself, per tenant; the Functions platform's CORS setting stays empty
/// (infra/), because it is one list for the whole app and would answer preflights before the app sees them.</remarks>
public static class Cors
{
    /// <summary>Paths under <c>/api/tenants/{tenant}/</c> and the methods a browser app may use on them.</summary>
    private static readonly Dictionary<string, string> Api = new(StringComparer.Ordinal)
    {
        ["me"] = "GET, DELETE",
        ["me/data"] = "GET",
        ["reports/uptake"] = "GET",
    };

    /// <summary>Adds the grant to an answer when the request's origin may have it.</summary>
    public static void Apply(HttpRequest request, Tenant? tenant)
    {
        if (Granted(request, tenant) is { } origin)
        {
            var headers = request.HttpContext.Response.Headers;
            headers.AccessControlAllowOrigin = origin;
            headers.AccessControlExposeHeaders = "Retry-After";
        }

        // Answers differ by Origin: caches must keep them apart. Added to what Vary already names
        // (Accept, Accept-Encoding, …), never in its place.
        var vary = request.HttpContext.Response.Headers.Vary;
        if (!vary.SelectMany(v => (v ?? "").Split(',')).Any(v => v.Trim().Equals("Origin", StringComparison.OrdinalIgnoreCase)))
        {
            request.HttpContext.Response.Headers.Vary = Microsoft.Extensions.Primitives.StringValues.Concat(vary, "Origin");
        }
    }

    /// <summary>A preflight: 204, with the grant only for an allowed origin on an API path.</summary>
    public static IResult Preflight(HttpRequest request, Tenant tenant)
    {
        if (Granted(request, tenant) is not null && Api.TryGetValue(Routes.TenantPathOf(request.Path.Value) ?? "", out var methods))
        {
            var headers = request.HttpContext.Response.Headers;
            headers.AccessControlAllowMethods = methods;
            headers.AccessControlAllowHeaders = "Authorization, Content-Type";
            headers.AccessControlMaxAge = "600";
        }

        return TypedResults.NoContent();
    }

    private static string? Granted(HttpRequest request, Tenant? tenant)
    {
        var origin = request.Headers.Origin.ToString();
        return tenant is not null && origin.Length > 0
            && Api.ContainsKey(Routes.TenantPathOf(request.Path.Value) ?? "")
            && tenant.AllowedReturnOrigins.Contains(origin.ToLowerInvariant())
                ? origin
                : null;
    }
}
