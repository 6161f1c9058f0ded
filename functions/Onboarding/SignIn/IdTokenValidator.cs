using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>
/// Validates an ID token as OpenID Connect Core §3.1.3.7 asks, with the Microsoft token handler doing
/// the cryptography and key selection. Returns the validated token or the reason it was refused.
/// </summary>
public sealed class IdTokenValidator(ProviderMetadata metadata, TimeProvider time, IOptions<SignInOptions> options)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<IdTokenValidation> ValidateAsync(Tenant tenant, string? idToken, string expectedNonce,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(idToken))
        {
            return IdTokenValidation.Refused("no id_token in the token response");
        }

        // The algorithm is judged from the header before any key is looked for: an EdDSA or HS512
        // token is refused for its algorithm, and the log says so (not "key not found").
        if (TokenPolicy.RefuseHeader(idToken) is { } refused)
        {
            return IdTokenValidation.Refused(refused);
        }

        var skew = options.Value.ClockSkew;
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = (await metadata.GetAsync(tenant, cancellationToken)).SigningKeys,
            ValidIssuer = tenant.Issuer,
            ValidAudience = tenant.ClientId,
            ValidAlgorithms = TokenPolicy.AllowedAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = skew,
            // Lifetime against the injected clock, so expiry is testable with a fake one.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } exp && exp > now - skew && (notBefore is not { } nbf || nbf <= now + skew);
            },
            TryAllIssuerSigningKeys = true,
            ValidateIssuerSigningKey = true,
        };

        var result = await _handler.ValidateTokenAsync(idToken, parameters);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rotated its keys: check once more against a fresh key set. When
            // another request refreshed moments ago, its result is the current metadata.
            var refreshed = await metadata.RefreshAsync(tenant, cancellationToken) ?? await metadata.GetAsync(tenant, cancellationToken);
            parameters.IssuerSigningKeys = refreshed.SigningKeys;
            result = await _handler.ValidateTokenAsync(idToken, parameters);
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return IdTokenValidation.Refused(TokenPolicy.Reason(result.Exception, idToken));
        }

        return CheckClaims(token, tenant, expectedNonce, time.GetUtcNow(), skew, options.Value.LoginAttemptLifetime) is { } failure
            ? IdTokenValidation.Refused(failure)
            : IdTokenValidation.Valid(token);
    }

    /// <summary>The checks the handler does not make on its own.</summary>
    private static string? CheckClaims(JsonWebToken token, Tenant tenant, string expectedNonce,
        DateTimeOffset now, TimeSpan skew, TimeSpan attemptLifetime)
    {
        var audiences = token.Audiences.ToList();
        if (audiences.Any(a => a != tenant.ClientId))
        {
            return "untrusted audience";
        }

        token.TryGetPayloadValue<string>("azp", out var azp);
        if ((audiences.Count > 1 || azp is not null) && azp != tenant.ClientId)
        {
            return "azp is not the client id";
        }

        if (!token.TryGetPayloadValue<long>("iat", out var iat))
        {
            return "no iat";
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        // Issued during this login attempt: not in the future, and not before the attempt could have started.
        if (issuedAt > now + skew || issuedAt < now - attemptLifetime - skew)
        {
            return "iat outside the allowed window";
        }

        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || !Secrets.FixedTimeEquals(nonce, expectedNonce))
        {
            return "nonce mismatch";
        }

        return string.IsNullOrWhiteSpace(token.Subject) ? "no sub" : null;
    }
}

public sealed record IdTokenValidation(JsonWebToken? Token, string? Failure)
{
    public static IdTokenValidation Valid(JsonWebToken token) => new(token, null);

    public static IdTokenValidation Refused(string reason) => new(null, reason);
}
