using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Onboarding.Common;

namespace Onboarding.Functions.Http;

/// <summary>How much one client address may spend of what anonymous requests cost us (settings <c>RateLimits:*</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Logins a client may start per minute per tenant (a person needs one or two).</summary>
    [Range(1, 100_000)]
    public int LoginsPerClientPerMinute { get; set; } = 120;

    /// <summary>Staff-page logins a client may start per minute per tenant.</summary>
    [Range(1, 100_000)]
    public int StaffLoginsPerClientPerMinute { get; set; } = 30;

    /// <summary>Logins per second a tenant accepts in all, whoever starts them.</summary>
    [Range(1, 1_000_000)]
    public int LoginsPerTenantPerSecond { get; set; } = 500;

    /// <summary>
    /// Refused bearer tokens a client may send per minute per tenant; past it, its bearer requests get
    /// 429 until the minute is over. Valid tokens never count: a platform back-end calling for many
    /// people from one address is not limited.
    /// </summary>
    [Range(1, 100_000)]
    public int RefusedTokensPerClientPerMinute { get; set; } = 60;

    /// <summary>
    /// The header the platform's front door puts the client's address in (<c>X-Azure-ClientIP</c> behind
    /// Azure Front Door; <c>X-Forwarded-For</c>, whose last address is the one the front door added).
    /// Empty: the connection's address. Only set it when every request comes through that front door.
    /// </summary>
    public string? ClientAddressHeader { get; set; }
}

/// <summary>The anonymous actions limited per client address and per tenant.</summary>
public enum LimitedAction
{
    Login,
    StaffLogin,
}

/// <summary>
/// Token buckets per (action, tenant, client address) and per (action, tenant): 429
/// <c>TooManyRequests</c> with <c>Retry-After</c> past them. Idle buckets are dropped by the limiter,
/// so many addresses cost bounded memory.
/// </summary>
public sealed partial class ClientRateLimits : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly ILogger<ClientRateLimits> _logger;
    private readonly PartitionedRateLimiter<string> _perClient;
    private readonly PartitionedRateLimiter<string> _perTenant;
    private readonly PartitionedRateLimiter<string> _refusals;

    public ClientRateLimits(IOptions<RateLimitOptions> options, ILogger<ClientRateLimits> logger)
    {
        _options = options.Value;
        _logger = logger;
        _perClient = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, k => PerMinute(
            k.StartsWith(nameof(LimitedAction.StaffLogin), StringComparison.Ordinal) ? _options.StaffLoginsPerClientPerMinute : _options.LoginsPerClientPerMinute)));
        _perTenant = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.LoginsPerTenantPerSecond,
            TokensPerPeriod = _options.LoginsPerTenantPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        _refusals = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => PerMinute(_options.RefusedTokensPerClientPerMinute)));
    }

    /// <summary>Takes one from the client's and the tenant's bucket for this action, or refuses with 429.</summary>
    public void Take(HttpRequest request, string tenant, LimitedAction action)
    {
        var client = ClientOf(request);
        using var perClient = _perClient.AttemptAcquire($"{action}|{tenant}|{client}");
        if (!perClient.IsAcquired)
        {
            LogLimited(action.ToString(), tenant, "client");
            throw new OnboardingException(ApiError.TooManyRequests);
        }

        using var perTenant = _perTenant.AttemptAcquire($"{action}|{tenant}");
        if (!perTenant.IsAcquired)
        {
            LogLimited(action.ToString(), tenant, "tenant");
            throw new OnboardingException(ApiError.TooManyRequests);
        }
    }

    /// <summary>Whether this client has used up its refused bearer tokens for now (checked before validating another).</summary>
    /// <remarks>Read from the bucket's statistics: an attempt for zero permits was seen to succeed now
    /// and then on an empty bucket (RateLimitTests, about one run in ten).</remarks>
    public bool RefusalsExhausted(HttpRequest request, string tenant) =>
        _refusals.GetStatistics($"{tenant}|{ClientOf(request)}") is { CurrentAvailablePermits: <= 0 };

    /// <summary>Counts a refused bearer token against its client.</summary>
    public void CountRefusal(HttpRequest request, string tenant)
    {
        using var lease = _refusals.AttemptAcquire($"{tenant}|{ClientOf(request)}");
        if (!lease.IsAcquired)
        {
            LogLimited("bearer", tenant, "client refusals");
        }
    }

    /// <summary>The client's address: from the configured front-door header, else the connection.</summary>
    public string ClientOf(HttpRequest request)
    {
        if (!string.IsNullOrEmpty(_options.ClientAddressHeader)
            && request.Headers[_options.ClientAddressHeader].ToString() is { Length: > 0 and <= 512 } value
            && IPAddress.TryParse(value.Split(',')[^1].Trim(), out var forwarded))
        {
            return forwarded.ToString();
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    private static TokenBucketRateLimiterOptions PerMinute(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = Math.Max(1, perMinute / 6),
        ReplenishmentPeriod = TimeSpan.FromSeconds(10),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public void Dispose()
    {
        _perClient.Dispose();
        _perTenant.Dispose();
        _refusals.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit: {Action} for tenant {Tenant} refused with 429, the {Scope} limit is used up")]
    private partial void LogLimited(string action, string tenant, string scope);
}
