using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>
/// What an access token must show before anything about it leaves the service: a JWT-shaped token is
/// verified locally (signature with the provider's own published keys, <c>iss</c> the tenant's issuer,
/// <c>exp</c>), so garbage, forgeries, expired tokens and tokens of other issuers never reach the
/// provider. Opaque tokens pass on to userinfo, where the caller's rate limit applies.
/// </summary>
public sealed class AccessTokenPrecheck(ProviderMetadata metadata, TimeProvider time)
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>Why the token is refused without asking the provider, or null to ask it.</summary>
    public async Task<string?> RefuseAsync(Tenant tenant, string token, CancellationToken cancellationToken)
    {
        if (token.Count(c => c == '.') != 2)
        {
            return null; // opaque
        }

        if (TokenPolicy.RefuseHeader(token) is { } refused)
        {
            return refused;
        }

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = (await metadata.GetAsync(tenant, cancellationToken)).SigningKeys,
            ValidIssuer = tenant.Issuer,
            ValidateAudience = false, // the platform's client, not this service: userinfo decides
            ValidAlgorithms = TokenPolicy.AllowedAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = Skew,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } exp && exp > now - Skew && (notBefore is not { } nbf || nbf <= now + Skew);
            },
            TryAllIssuerSigningKeys = true,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException
            && (await metadata.RefreshAsync(tenant, cancellationToken) ?? await metadata.GetAsync(tenant, cancellationToken)) is { } refreshed) // rotation; refreshed at most every 30 s, else the latest
        {
            parameters.IssuerSigningKeys = refreshed.SigningKeys;
            result = await _handler.ValidateTokenAsync(token, parameters);
        }

        return result.IsValid ? null : "access token: " + TokenPolicy.Reason(result.Exception, token);
    }
}
