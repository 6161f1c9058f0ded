using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Onboarding.Common;

namespace Onboarding.SignIn;

/// <summary>A started login: what the callback needs to finish it, and nothing about the person.</summary>
/// <param name="BrowserBinding">The hash of the random value in the browser's login cookie.</param>
public sealed record LoginAttempt(
    [property: JsonPropertyName("n")] string Nonce,
    [property: JsonPropertyName("v")] string CodeVerifier,
    [property: JsonPropertyName("r")] string? ReturnTo,
    [property: JsonPropertyName("p")] string? Purpose,
    [property: JsonPropertyName("b")] string BrowserBinding,
    [property: JsonPropertyName("e")] long ExpiresAtUnix)
{
    [JsonIgnore]
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(ExpiresAtUnix, 0, 253402300799));
}

/// <summary>
/// The login attempt travels sealed in the <c>state</c> parameter (as ASP.NET Core's OpenID Connect
/// handler carries its properties), so <c>/login</c> stores nothing: AES-256-GCM with a key derived
/// from the deployment secret for this purpose only, and the tenant as associated data, so a state is
/// unreadable and unforgeable without the secret and never passes for another tenant's. The PKCE
/// verifier and nonce inside are secret from the provider and anyone who sees the URL.
/// </summary>
public sealed class SealedAttempts(IOptions<PrivacyOptions> options)
{
    /// <summary>Far above any genuine state (a return address of 2,000 characters seals to about 3,100).</summary>
    public const int MaxStateLength = 4096;

    private readonly SealedValues _sealed = new(Convert.FromBase64String(options.Value.HmacSecret), "login-attempt-state", "a1.");

    public string Seal(string tenantId, LoginAttempt attempt) =>
        _sealed.Seal(JsonSerializer.SerializeToUtf8Bytes(attempt), tenantId);

    /// <summary>The attempt a genuine state of this tenant holds; null for anything else.</summary>
    public LoginAttempt? Unseal(string tenantId, string? state)
    {
        if (_sealed.Unseal(state, tenantId, MaxStateLength) is not { } plain)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LoginAttempt>(plain) is { Nonce.Length: > 0, CodeVerifier.Length: > 0, BrowserBinding.Length: > 0 } attempt
                ? attempt
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
