using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Onboarding.Functions.Http;

public static class Negotiation
{
    /// <summary>True when the caller asked for JSON explicitly (programs, scripts).</summary>
    public static bool WantsJson(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a =>
            a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || a.MediaType.Equals("application/problem+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>True for browsers: they ask for HTML and not for JSON.</summary>
    public static bool PrefersHtml(HttpRequest request) =>
        !WantsJson(request) && request.GetTypedHeaders().Accept.Any(a =>
            a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    public static MediaTypeHeaderValue Html { get; } = new("text/html") { Charset = "utf-8" };
}
