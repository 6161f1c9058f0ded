using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>A caller of the API, proven by a bearer token the tenant's provider accepted.</summary>
/// <param name="Claims">The provider's userinfo for the token.</param>
public sealed record BearerCaller(Tenant Tenant, JsonElement Claims);

/// <summary>
/// Validates <c>Authorization: Bearer &lt;token&gt;</c> and the openEO form
/// <c>Bearer oidc/&lt;provider&gt;/&lt;token&gt;</c> through the tenant provider's userinfo endpoint,
/// as openEO back-ends do. Answers are cached by a hash of the token (never the token itself) for at
/// most 15 minutes and never past the token's life. A token of one tenant's provider opens nothing
/// of another tenant: it is only ever shown to that tenant's own provider.
/// </summary>
public sealed partial class BearerAuthenticator(
    TenantCatalog tenants,
    ProviderMetadata metadata,
    ProviderClient provider,
    IMemoryCache cache,
    TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<BearerAuthenticator> logger)
{
    public static readonly TimeSpan MaxCacheTime = TimeSpan.FromMinutes(15);
    private const int MaxTokenLength = 8192;

    public async Task<BearerCaller> AuthenticateAsync(string tenantId, string? authorization, CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        var token = TokenFrom(tenant, authorization);
        var tokenHash = Secrets.Sha256(token);
        var key = (nameof(BearerAuthenticator), tenant.Id, tokenHash);
        if (cache.TryGetValue(key, out JsonElement cached))
        {
            return new BearerCaller(tenant, cached);
        }

        var providerMetadata = await metadata.GetAsync(tenant, cancellationToken);
        var answer = await provider.GetUserInfoAsync(tenant, providerMetadata, token, audience: null, cancellationToken);
        if (answer.Claims is not { } claims)
        {
            LogRefused(tenant.Id, answer.Refusal!);
            throw new OnboardingException(ApiError.TokenInvalid);
        }

        var now = time.GetUtcNow();
        var expiresAt = ExpiryOf(token) ?? now + tenant.AccessTokenLifetime;
        var cacheFor = Min(MaxCacheTime, expiresAt - now);
        if (cacheFor > TimeSpan.Zero)
        {
            cache.Set(key, claims, cacheFor);
        }

        return new BearerCaller(tenant, claims);
    }

    /// <summary>The token from the header, or the openEO error the header deserves.</summary>
    public static string TokenFrom(Tenant tenant, string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            throw new OnboardingException(ApiError.AuthenticationRequired);
        }

        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new OnboardingException(ApiError.AuthenticationSchemeInvalid);
        }

        var token = authorization[scheme.Length..].Trim();
        if (token.StartsWith("oidc/", StringComparison.Ordinal))
        {
            var parts = token.Split('/', 3);
            if (parts.Length != 3 || parts[1] != tenant.OpenEoProviderId)
            {
                throw new OnboardingException(ApiError.TokenInvalid, "The token names another identity provider.");
            }

            token = parts[2];
        }
        else if (token.StartsWith("basic/", StringComparison.Ordinal))
        {
            throw new OnboardingException(ApiError.AuthenticationSchemeInvalid, "Basic credentials are not accepted: sign in with OpenID Connect.");
        }

        if (token.Length is 0 or > MaxTokenLength || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new OnboardingException(ApiError.TokenInvalid);
        }

        return token;
    }

    /// <summary>A JWT access token's <c>exp</c>, read without trusting it for anything but shortening a cache.</summary>
    private static DateTimeOffset? ExpiryOf(string token)
    {
        try
        {
            return new JsonWebToken(token) is { ValidTo: var validTo } && validTo > DateTime.MinValue
                ? new DateTimeOffset(validTo, TimeSpan.Zero)
                : null;
        }
        catch (ArgumentException)
        {
            return null; // opaque token
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Bearer token refused for tenant {Tenant}: {Reason}")]
    private partial void LogRefused(string tenant, string reason);
}
