using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>
/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): after the service has ended its own
/// session, where to send the browser so that the provider ends its session too. Without that, the
/// provider would sign the person straight back in as the same identity, and "use another account"
/// would be impossible.
/// </summary>
public sealed partial class ProviderSignOut(TenantCatalog tenants, ProviderMetadata metadata, IOptions<SignInOptions> options,
    ILogger<ProviderSignOut> logger)
{
    /// <summary>
    /// The provider's <c>end_session_endpoint</c> with <c>client_id</c> and the registered
    /// <c>post_logout_redirect_uri</c>; null when the provider has none or cannot be reached (the
    /// service's own session is over either way, and the signed-out page says so).
    /// </summary>
    /// <remarks>No <c>id_token_hint</c>: the service keeps no ID token (nothing of the sign-in is
    /// stored beyond the record). Providers then ask the person to confirm, which is also what stops a
    /// forged sign-out from ending their provider session unnoticed.</remarks>
    public async Task<string?> EndSessionUrlAsync(string tenantId, CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        try
        {
            var provider = await metadata.GetAsync(tenant, cancellationToken);
            if (string.IsNullOrEmpty(provider.EndSessionEndpoint))
            {
                return null;
            }

            var separator = provider.EndSessionEndpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            return $"{provider.EndSessionEndpoint}{separator}client_id={Uri.EscapeDataString(tenant.ClientId)}"
                + $"&post_logout_redirect_uri={Uri.EscapeDataString(options.Value.SignedOutUri(tenant.Id))}";
        }
        catch (OnboardingException e) when (e.Error == ApiError.OidcProviderUnavailable || e.Error == ApiError.OidcProviderMisconfigured)
        {
            LogProviderUnavailable(tenant.Id);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-out of tenant {Tenant}: the provider could not be reached; only the service's session ended")]
    private partial void LogProviderUnavailable(string tenant);
}
