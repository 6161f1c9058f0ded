using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>
/// Userinfo as a signed JWT (OIDC Core §5.3.2, <c>application/jwt</c>): verified against the
/// provider's keys with the ID token's algorithm rules, <c>iss</c> the tenant's issuer exactly and,
/// when present, <c>aud</c> the expected client (Core says SHOULD; Glewlwyd 2.7 sends none), then read
/// like JSON userinfo. No lifetime is required: userinfo need not carry one.
/// </summary>
public sealed class SignedUserInfo(ProviderMetadata metadata)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<UserInfo> ReadAsync(Tenant tenant, OpenIdConnectConfiguration provider, string jwt, string? audience,
        CancellationToken cancellationToken)
    {
        if (TokenPolicy.RefuseHeader(jwt) is { } refused)
        {
            return new UserInfo(null, "signed userinfo: " + refused);
        }

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = provider.SigningKeys,
            ValidIssuer = tenant.Issuer,
            ValidAlgorithms = TokenPolicy.AllowedAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = false,
            ValidateLifetime = false,
            ValidateAudience = false, // checked below: only when the provider sends one
            TryAllIssuerSigningKeys = true,
            ValidateIssuerSigningKey = true,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException
            && (await metadata.RefreshAsync(tenant, cancellationToken) ?? await metadata.GetAsync(tenant, cancellationToken)) is { } refreshed)
        {
            parameters.IssuerSigningKeys = refreshed.SigningKeys;
            result = await _handler.ValidateTokenAsync(jwt, parameters);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return new UserInfo(null, "signed userinfo: " + TokenPolicy.Reason(result.Exception, jwt));
        }

        if (audience is not null && token.Audiences.Any() && !token.Audiences.Contains(audience, StringComparer.Ordinal))
        {
            return new UserInfo(null, "signed userinfo: aud does not contain the client id");
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
        return new UserInfo(payload.RootElement.Clone(), null);
    }
}
