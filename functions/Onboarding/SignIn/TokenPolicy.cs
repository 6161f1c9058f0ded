using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.SignIn;

/// <summary>
/// The relying party's rules for tokens the provider signs (ID tokens, signed userinfo), in one
/// place: which algorithms are accepted, and how a refusal is named in the log.
/// </summary>
public static class TokenPolicy
{
    /// <summary>
    /// Asymmetric algorithms only: "none" and HMAC (which would let a published key act as a shared
    /// secret) are refused, and so is anything this service does not verify (EdDSA: the Microsoft
    /// token stack has no EdDSA keys), before any key is tried.
    /// </summary>
    public static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Why a token's header is refused before verification, or null when its form and algorithm are acceptable.</summary>
    public static string? RefuseHeader(string token)
    {
        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return "not a JWT";
        }

        return AllowedAlgorithms.Contains(parsed.Alg, StringComparer.Ordinal)
            ? null
            : $"alg '{Printable(parsed.Alg)}' refused (only RS, PS and ES algorithms)";
    }

    /// <summary>The real reason of a validation failure, in words for the log (no token content but the key id).</summary>
    public static string Reason(Exception? failure, string token) => failure switch
    {
        SecurityTokenSignatureKeyNotFoundException => $"no key with kid '{Printable(KidOf(token))}' in the provider's key set, even after a refresh",
        SecurityTokenInvalidSignatureException => "signature does not verify with the provider's key",
        SecurityTokenInvalidIssuerException => "iss is not the tenant's issuer",
        SecurityTokenInvalidAudienceException => "aud does not contain the client id",
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not valid yet (nbf)",
        SecurityTokenNoExpirationException => "no exp",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed",
        SecurityTokenInvalidLifetimeException => "lifetime outside the allowed window",
        null => "invalid token",
        _ => failure.GetType().Name,
    };

    private static string? KidOf(string token)
    {
        try
        {
            return new JsonWebToken(token).Kid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Printable(string? value) =>
        new((value ?? "").Take(40).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '?').ToArray());
}
