using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Onboarding.SignIn;

/// <summary>
/// How many calls to its provider a tenant's unauthenticated traffic may cause: bearer tokens not
/// seen before (and not refused locally) go to userinfo only within this budget, a token bucket per
/// tenant. Over it, 429: a flood spends the budget, never the provider's patience.
/// </summary>
public sealed class ProviderCallBudget(IOptions<SignInOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(tenant =>
        RateLimitPartition.GetTokenBucketLimiter(tenant, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.BearerChecksBurst,
            TokensPerPeriod = options.Value.BearerChecksPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public bool TryTake(string tenantId)
    {
        using var lease = _limiter.AttemptAcquire(tenantId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
