using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>
/// Whether a tenant's provider answers, as this instance last saw it on the sign-in path: every call
/// through the "oidc" client reports its outcome (<see cref="ProviderHealthHandler"/>). <c>/login</c>
/// asks before sending a person there, so that with the provider down they get the service's own page
/// ("try again in a minute") rather than the browser's connection error. An answer seen within
/// <see cref="SignInOptions.ProviderHealthFreshness"/> lets the login go on; otherwise, and after a
/// failure, one probe of the discovery document (2 s, one at a time per tenant, the others wait for
/// it) decides, so that "Try again" works as soon as the provider is back. A failed probe stands for
/// <see cref="ProbeInterval"/>: during an outage logins are refused at once, without a probe each.
/// </summary>
/// <remarks>Per instance: each instance learns from its own calls, and probes at most once per
/// freshness period when idle, and once per <see cref="ProbeInterval"/> during an outage.</remarks>
public sealed partial class ProviderHealth(IHttpClientFactory httpClients, TimeProvider time, IOptions<SignInOptions> options,
    ILogger<ProviderHealth> logger)
{
    /// <summary>The client of the probe: no retries, a short time-out.</summary>
    public const string ProbeHttpClientName = "oidc-probe";

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>For how long a failed probe refuses logins before the next probe.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (bool Reachable, bool Probed, DateTimeOffset At)> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _probes = new(StringComparer.Ordinal);

    /// <summary>What a call to the tenant's provider found: an answer below 500, or a failure.</summary>
    public void Report(string tenantId, bool reachable) => _seen[tenantId] = (reachable, false, time.GetUtcNow());

    /// <summary>Returns when the provider is believed to answer; else 503 <c>OidcProviderUnavailable</c>.</summary>
    public async Task EnsureReachableAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        var age = _seen.TryGetValue(tenant.Id, out var seen) ? time.GetUtcNow() - seen.At : TimeSpan.MaxValue;
        var reachable = seen switch
        {
            { Reachable: true } when age < options.Value.ProviderHealthFreshness => true,
            { Reachable: false, Probed: true } when age < ProbeInterval => false,
            _ => await ProbeOnceAsync(tenant).WaitAsync(cancellationToken),
        };
        if (!reachable)
        {
            LogRefused(tenant.Id);
            throw new OnboardingException(ApiError.OidcProviderUnavailable, "The login service does not answer; sign-in was not started.");
        }
    }

    private Task<bool> ProbeOnceAsync(Tenant tenant)
    {
        var probe = _probes.GetOrAdd(tenant.Id, _ => new Lazy<Task<bool>>(() => ProbeAsync(tenant)));
        return probe.Value;
    }

    private async Task<bool> ProbeAsync(Tenant tenant)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            using var http = httpClients.CreateClient(ProbeHttpClientName);
            using var response = await http.GetAsync(tenant.MetadataAddress, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var reachable = (int)response.StatusCode < 500;
            _seen[tenant.Id] = (reachable, true, time.GetUtcNow());
            return reachable;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            LogProbeFailed(tenant.Id, e.GetType().Name);
            _seen[tenant.Id] = (false, true, time.GetUtcNow());
            return false;
        }
        finally
        {
            _probes.TryRemove(tenant.Id, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probe of the provider of tenant {Tenant} failed ({Error})")]
    private partial void LogProbeFailed(string tenant, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login of tenant {Tenant} refused: its provider did not answer lately")]
    private partial void LogRefused(string tenant);
}

/// <summary>Reports each call's outcome on the sign-in path to <see cref="ProviderHealth"/>, by the tenant it was made for.</summary>
public sealed class ProviderHealthHandler(ProviderHealth health) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var tenant = request.Options.TryGetValue(ProviderFailures.Tenant, out var id) ? id : null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (tenant is not null)
            {
                health.Report(tenant, (int)response.StatusCode < 500);
            }

            return response;
        }
        catch (HttpRequestException) when (tenant is not null)
        {
            health.Report(tenant, false);
            throw;
        }
    }
}
