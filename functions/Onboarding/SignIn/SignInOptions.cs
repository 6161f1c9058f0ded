using System.ComponentModel.DataAnnotations;
using Onboarding.Common;

namespace Onboarding.SignIn;

public sealed class SignInOptions : IValidatableObject
{
    public const string Section = "Onboarding";

    /// <summary>
    /// The service's public address, from which redirect URIs are built. Taken from settings, never
    /// from the request's Host header, so a forged header cannot redirect codes elsewhere.
    /// </summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = null!;

    [Required]
    public string TenantsFile { get; set; } = "";

    /// <summary>How long a started login may wait for its callback (1 to 30 minutes).</summary>
    public TimeSpan LoginAttemptLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Allowed clock difference with the identity provider for <c>iat</c>, <c>exp</c>, <c>nbf</c> (at most 10 minutes).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long discovery documents and key sets are cached before a routine refresh (1 minute to a day).</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Userinfo calls per second that bearer tokens of one tenant may cause (tokens not seen or refused before).</summary>
    [Range(1, 10_000)]
    public int BearerChecksPerSecond { get; set; } = 20;

    /// <summary>How many of those may come at once, above the rate.</summary>
    [Range(1, 100_000)]
    public int BearerChecksBurst { get; set; } = 100;

    /// <summary>
    /// Where people get help when no platform is known (the unknown-platform page) or a tenant names
    /// none: an https page or a mailto: address; null shows no help link.
    /// </summary>
    public string? SupportUrl { get; set; }

    /// <summary>
    /// For how long the provider's last answer (or failure) on the sign-in path stands for its health:
    /// after that, <c>/login</c> asks the provider's discovery document once before sending anyone
    /// there (0 to 5 minutes; 0 asks every time).
    /// </summary>
    public TimeSpan ProviderHealthFreshness { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Cookies are Secure unless the service runs on plain-http loopback (local runs).</summary>
    public bool SecureCookies => PublicBaseUrl is not { IsAbsoluteUri: true, Scheme: "http" };

    /// <remarks>The time spans are checked here, not with <c>[Range(typeof(TimeSpan), …)]</c>: that
    /// attribute converts its bounds lazily and not thread-safely, so hosts validating their options at
    /// the same moment (tests start many) could fail with an InvalidCastException.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value, min, max) in new[]
        {
            (nameof(LoginAttemptLifetime), LoginAttemptLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30)),
            (nameof(ClockSkew), ClockSkew, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            (nameof(MetadataRefreshInterval), MetadataRefreshInterval, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)),
            (nameof(ProviderHealthFreshness), ProviderHealthFreshness, TimeSpan.Zero, TimeSpan.FromMinutes(5)),
        })
        {
            if (value < min || value > max)
            {
                yield return new ValidationResult($"Onboarding:{name} must be between {min:c} and {max:c}.", [name]);
            }
        }

        if (PublicBaseUrl is { } url && !(url.IsAbsoluteUri
            && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))))
        {
            yield return new ValidationResult(
                "Onboarding:PublicBaseUrl must be an absolute https URL (http only on loopback).", [nameof(PublicBaseUrl)]);
        }

        if (SupportUrl is { } support && !IsSupportAddress(support))
        {
            yield return new ValidationResult("Onboarding:SupportUrl must be an absolute https URL or a mailto: address.", [nameof(SupportUrl)]);
        }
    }

    private static bool IsSupportAddress(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback) || (uri.Scheme == Uri.UriSchemeMailto && value.Contains('@', StringComparison.Ordinal)));

    public string CallbackUri(string tenantId) => TenantUri(tenantId, "callback");

    /// <summary>Where the provider sends the browser after an RP-initiated logout (registered at the provider).</summary>
    public string SignedOutUri(string tenantId) => TenantUri(tenantId, "signed-out");

    private string TenantUri(string tenantId, string path) =>
        new Uri(PublicBaseUrl, Routes.Tenant(tenantId, path).TrimStart('/')).AbsoluteUri;
}
