using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>
/// RFC 7009 token revocation at the tenant's provider, for the access tokens the service itself
/// obtained (a staff session's): after it, the provider's userinfo refuses the token, so every
/// instance of the service stops accepting it within a minute.
/// </summary>
public sealed partial class TokenRevocation(ProviderMetadata metadata, IHttpClientFactory httpClients, ILogger<TokenRevocation> logger)
{
    /// <summary>
    /// Whether the provider confirmed the revocation. A provider without a revocation endpoint, or one
    /// that cannot be reached, is logged and answers false: the sign-out goes on (this instance refuses
    /// the token anyway, and the token expires within the session's hour).
    /// </summary>
    public async Task<bool> RevokeAsync(Tenant tenant, string accessToken, CancellationToken cancellationToken)
    {
        try
        {
            var provider = await metadata.GetAsync(tenant, cancellationToken);
            if (provider.RevocationEndpoint is not { Length: > 0 } address)
            {
                LogNoEndpoint(tenant.Id);
                return false;
            }

            using var http = httpClients.CreateClient(ProviderMetadata.BearerHttpClientName);
            using var request = new TokenRevocationRequest
            {
                Address = address,
                ClientId = tenant.ClientId,
                ClientSecret = tenant.ClientSecret,
                ClientCredentialStyle = ProviderClient.CredentialStyle(tenant, provider),
                Token = accessToken,
                TokenTypeHint = "access_token",
            };
            request.Options.Set(ProviderFailures.Tenant, tenant.Id);
            var response = await http.RevokeTokenAsync(request, cancellationToken);
            if (response.IsError)
            {
                LogFailed(tenant.Id, response.HttpStatusCode == 0 ? response.ErrorType.ToString() : ((int)response.HttpStatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is OnboardingException or HttpRequestException or Polly.ExecutionRejectedException)
        {
            LogFailed(tenant.Id, e.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token revocation for tenant {Tenant} not possible: the provider has no revocation endpoint; the token stays valid at the provider until it expires")]
    private partial void LogNoEndpoint(string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token revocation for tenant {Tenant} failed ({Reason}); the token stays valid at the provider until it expires")]
    private partial void LogFailed(string tenant, string reason);
}
