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
/// most a minute (<see cref="MaxCacheTime"/>) and never past the token's life. A token of one tenant's provider opens nothing
/// of another tenant: it is only ever shown to that tenant's own provider.
/// </summary>
public sealed partial class BearerAuthenticator(
    TenantCatalog tenants,
    ProviderMetadata metadata,
    ProviderClient provider,
    AccessTokenPrecheck precheck,
    ProviderCallBudget budget,
    TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<BearerAuthenticator> logger) : IDisposable
{
    /// <summary>
    /// Claims are reused at most this long: a token revoked at the provider (or a staff role taken
    /// away) stops working here within a minute, not the 15 minutes openEO back-ends allow.
    /// </summary>
    public static readonly TimeSpan MaxCacheTime = TimeSpan.FromMinutes(1);

    /// <summary>A refused token is refused again from memory for this long: repeated garbage costs nothing.</summary>
    public static readonly TimeSpan RefusalCacheTime = TimeSpan.FromMinutes(1);
    private const int MaxTokenLength = 4096;

    // Bounded: a flood of distinct tokens (accepted or refused) cannot grow the service's memory.
    // Entries are claims of at most 64 KiB (ProviderClient) or a refusal marker.
    // The cache reads the service's clock, so the bounds above hold under a test's fake clock too.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 20_000, Clock = new CacheClock(time) });
    private static readonly object Refused = new();

    public Task<BearerCaller> AuthenticateAsync(string tenantId, string? authorization, CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        return ValidateAsync(tenant, TokenFrom(tenant, authorization), cancellationToken);
    }

    /// <summary>
    /// The claims for a token the service already holds (a staff session's): the same checks and the
    /// same cache as a bearer header, so the answer is never older than <see cref="MaxCacheTime"/>.
    /// </summary>
    public async Task<BearerCaller> ValidateAsync(Tenant tenant, string token, CancellationToken cancellationToken)
    {
        var key = (tenant.Id, Secrets.Sha256(token));
        if (_cache.TryGetValue(key, out object? cached))
        {
            return cached is JsonElement known ? new BearerCaller(tenant, known) : throw new OnboardingException(ApiError.TokenInvalid);
        }

        if (await precheck.RefuseAsync(tenant, token, cancellationToken) is { } reason)
        {
            throw Refuse(tenant, key, reason);
        }

        if (!budget.TryTake(tenant.Id))
        {
            LogThrottled(tenant.Id);
            throw new OnboardingException(ApiError.TooManyRequests);
        }

        var providerMetadata = await metadata.GetAsync(tenant, cancellationToken);
        var answer = await provider.GetUserInfoAsync(tenant, providerMetadata, token, audience: null, cancellationToken);
        if (answer.Claims is not { } claims)
        {
            throw Refuse(tenant, key, answer.Refusal!);
        }

        var now = time.GetUtcNow();
        var expiresAt = ExpiryOf(token) ?? now + tenant.AccessTokenLifetime;
        var cacheFor = Min(MaxCacheTime, expiresAt - now);
        if (cacheFor > TimeSpan.Zero)
        {
            _cache.Set(key, claims, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = cacheFor });
        }

        return new BearerCaller(tenant, claims);
    }

    /// <summary>
    /// A token signed out here: refused from memory on this instance until <paramref name="until"/>
    /// (its session's end), whatever the provider says. Other instances learn it from the provider
    /// (revocation) within <see cref="MaxCacheTime"/>.
    /// </summary>
    public void Forget(Tenant tenant, string token, DateTimeOffset until)
    {
        var left = until - time.GetUtcNow();
        _cache.Set((tenant.Id, Secrets.Sha256(token)), Refused, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = left > RefusalCacheTime ? left : RefusalCacheTime,
        });
    }

    public void Dispose() => _cache.Dispose();

    private OnboardingException Refuse(Tenant tenant, (string, string) key, string reason)
    {
        LogRefused(tenant.Id, reason);
        _cache.Set(key, Refused, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RefusalCacheTime });
        return new OnboardingException(ApiError.TokenInvalid);
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

        // RFC 6750 §2.1 b64token: nothing else is a token, and nothing else is ever forwarded (a
        // non-ASCII byte would make our own HTTP client fail, which must never count against a provider).
        if (token.Length is 0 or > MaxTokenLength || !IsB64Token(token))
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

    private sealed class CacheClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

    /// <summary><c>1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="</c></summary>
    public static bool IsB64Token(string token)
    {
        var end = token.Length;
        while (end > 0 && token[end - 1] == '=')
        {
            end--;
        }

        return end > 0 && token.AsSpan(0, end).IndexOfAnyExcept(B64TokenCharacters) < 0;
    }

    private static readonly System.Buffers.SearchValues<char> B64TokenCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Bearer validation for tenant {Tenant} over its budget of provider calls: 429")]
    private partial void LogThrottled(string tenant);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Bearer token refused for tenant {Tenant}: {Reason}")]
    private partial void LogRefused(string tenant, string reason);
}
