using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Onboarding.Common;

namespace Onboarding.Staff;

/// <summary>A staff member's browser session of one tenant.</summary>
/// <param name="AccessToken">The provider's access token from the staff sign-in: what the session is
/// checked with again (roles, revocation) and what sign-out revokes. It never leaves the service
/// except sealed in the cookie and towards the tenant's own provider.</param>
/// <param name="Value">The cookie value, sealed.</param>
public sealed record StaffSession(string TenantId, string ActorId, DateTimeOffset ExpiresAt, string AccessToken, string Value);

/// <summary>
/// The staff page's session: sealed (AES-256-GCM, <see cref="SealedValues"/>) in the cookie, at most
/// one hour and never past the provider's access token, holding the tenant, the staff member's id
/// and that access token. It carries no roles: the staff authenticator asks the provider with the
/// token (at most a minute old, <see cref="SignIn.BearerAuthenticator.MaxCacheTime"/>), so a removed
/// role, a revoked token or a sign-out ends the session within a minute on every instance.
/// The page's anti-forgery token and its look-ups (<see cref="StaffLookUps"/>) are bound to it.
/// </summary>
public sealed class StaffSessions(IOptions<PrivacyOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest access token a session can hold and stay a cookie browsers keep (4,096 bytes with
    /// its name and attributes). EGI Check-in's tokens are about 1,100 characters.
    /// </summary>
    public const int MaxAccessTokenLength = 2800;

    private const int MaxValueLength = 4000;

    private readonly SealedValues _sealed = new(Convert.FromBase64String(options.Value.HmacSecret), "staff-session", "s2.");
    private readonly SignedValues _signed = new(Convert.FromBase64String(options.Value.HmacSecret), "staff-session");

    /// <param name="tokenExpiresAt">When the access token expires; the session ends then at the latest.</param>
    public StaffSession Issue(string tenantId, string actorId, string accessToken, DateTimeOffset tokenExpiresAt)
    {
        if (accessToken.Length > MaxAccessTokenLength)
        {
            throw new OnboardingException(ApiError.OidcProviderMisconfigured,
                inner: new InvalidOperationException($"the provider's access token has {accessToken.Length} characters; a staff session holds at most {MaxAccessTokenLength}"));
        }

        var now = time.GetUtcNow();
        var expires = tokenExpiresAt < now + Lifetime ? tokenExpiresAt : now + Lifetime;
        var content = new Content(tenantId, actorId, expires.ToUnixTimeSeconds(), accessToken, Secrets.Random(12));
        var value = _sealed.Seal(JsonSerializer.SerializeToUtf8Bytes(content), "staff");
        return new StaffSession(tenantId, actorId, DateTimeOffset.FromUnixTimeSeconds(content.ExpiresAtUnix), accessToken, value);
    }

    /// <summary>A genuine, unexpired staff session, whichever tenant it is for (the caller checks).</summary>
    public StaffSession? Read(string? value)
    {
        if (_sealed.Unseal(value, "staff", MaxValueLength) is not { } plain)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Content>(plain) is { Tenant.Length: > 0, Actor.Length: > 0, AccessToken.Length: > 0 } content
                   && content.ExpiresAtUnix > time.GetUtcNow().ToUnixTimeSeconds()
                ? new StaffSession(content.Tenant, content.Actor, DateTimeOffset.FromUnixTimeSeconds(content.ExpiresAtUnix), content.AccessToken, value!)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string AntiForgeryToken(StaffSession session) => _signed.Sign("csrf|" + session.Value);

    public bool IsValidAntiForgeryToken(StaffSession session, string? token) =>
        Secrets.FixedTimeEquals(AntiForgeryToken(session), token);

    private sealed record Content(
        [property: JsonPropertyName("t")] string Tenant,
        [property: JsonPropertyName("a")] string Actor,
        [property: JsonPropertyName("e")] long ExpiresAtUnix,
        [property: JsonPropertyName("k")] string AccessToken,
        [property: JsonPropertyName("n")] string Random);
}
