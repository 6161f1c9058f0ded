using System.Collections.Concurrent;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>
/// Each tenant provider's discovery document and signing keys, cached and refreshed by a
/// <see cref="ConfigurationManager{T}"/>: on a schedule, and once more when a token names a key id
/// the cached set does not have (key rotation).
/// </summary>
public sealed partial class ProviderMetadata(IHttpClientFactory httpClients, TimeProvider time, IOptions<SignInOptions> options,
    ILogger<ProviderMetadata> logger)
{
    public const string HttpClientName = "oidc";

    /// <summary>The client for bearer validation, apart from the sign-in path's.</summary>
    public const string BearerHttpClientName = "oidc-bearer";

    /// <summary>The least time between two forced refreshes of one provider's keys.</summary>
    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _managers = new();
    private readonly Dictionary<string, DateTimeOffset> _lastForcedRefresh = [];

    private ConfigurationManager<OpenIdConnectConfiguration> ManagerFor(Tenant tenant) =>
        _managers.GetOrAdd(tenant.Id, _ => NewManager(tenant));

    private ConfigurationManager<OpenIdConnectConfiguration> NewManager(Tenant tenant) =>
        new(tenant.MetadataAddress, new DuendeDiscoveryRetriever(httpClients, tenant))
        {
            AutomaticRefreshInterval = options.Value.MetadataRefreshInterval,
        };

    /// <summary>The tenant provider's metadata, or 503 <c>OidcProviderUnavailable</c>.</summary>
    public Task<OpenIdConnectConfiguration> GetAsync(Tenant tenant, CancellationToken cancellationToken) =>
        FetchAsync(tenant, ManagerFor(tenant), cancellationToken);

    /// <summary>
    /// Fetches discovery and keys again now, when a token names a key the cached set lacks (the
    /// provider rotated its keys). At most once per <see cref="MinimumRefreshInterval"/> per tenant,
    /// so tokens with made-up key ids cannot make the service hammer the provider; null when refused.
    /// </summary>
    /// <remarks>
    /// A fresh manager rather than <c>RequestRefresh</c>: recent versions of the library refresh in the
    /// background after that call, so the token at hand would still be checked against the old keys.
    /// </remarks>
    public async Task<OpenIdConnectConfiguration?> RefreshAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lastForcedRefresh)
        {
            if (_lastForcedRefresh.TryGetValue(tenant.Id, out var last) && now - last < MinimumRefreshInterval)
            {
                return null;
            }

            _lastForcedRefresh[tenant.Id] = now;
        }

        var fresh = NewManager(tenant);
        var configuration = await FetchAsync(tenant, fresh, cancellationToken);
        _managers[tenant.Id] = fresh;
        return configuration;
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync(Tenant tenant,
        ConfigurationManager<OpenIdConnectConfiguration> manager, CancellationToken cancellationToken)
    {
        try
        {
            return await manager.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception e) when (Misconfiguration(e) is { } misconfigured)
        {
            // The provider answers, but not as the tenant's configuration says: an operator must act,
            // and people must not be told to "try again in a minute".
            LogMisconfigured(tenant.Id, misconfigured.Message);
            throw new OnboardingException(ApiError.OidcProviderMisconfigured, inner: misconfigured);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException
            or Polly.ExecutionRejectedException)
        {
            LogUnavailable(tenant.Id, (e.InnerException ?? e).Message);
            throw new OnboardingException(ApiError.OidcProviderUnavailable, inner: e);
        }
    }

    /// <summary>The configuration manager wraps the retriever's exception; find ours in the chain.</summary>
    private static ProviderMisconfiguredException? Misconfiguration(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is ProviderMisconfiguredException found)
            {
                return found;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Provider of tenant {Tenant} is misconfigured: {Reason}")]
    private partial void LogMisconfigured(string tenant, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider of tenant {Tenant} unavailable: {Reason}")]
    private partial void LogUnavailable(string tenant, string reason);

    /// <summary>
    /// Fetches discovery with Duende's client, whose policy checks that endpoints live on the issuer's
    /// authority or a base address the tenant trusts (HTTPS except on loopback), then checks the
    /// issuer exactly (RFC 8414 §3.3: Duende's own comparison forgives a trailing slash, and the ID
    /// token's <c>iss</c> would then fail after the person typed a password), and hands document and
    /// key set to the Microsoft token stack.
    /// </summary>
    private sealed class DuendeDiscoveryRetriever(IHttpClientFactory httpClients, Tenant tenant)
        : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(
            string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            using var http = httpClients.CreateClient(HttpClientName);
            using var request = new DiscoveryDocumentRequest
            {
                Address = tenant.Issuer,
                Policy = new DiscoveryPolicy
                {
                    Authority = tenant.Issuer,
                    ValidateIssuerName = true,
                    ValidateEndpoints = true,
                    RequireKeySet = true,
                    RequireHttps = new Uri(tenant.Issuer).Scheme == Uri.UriSchemeHttps,
                    AdditionalEndpointBaseAddresses = [.. tenant.TrustedEndpointBaseAddresses],
                },
            };
            request.Options.Set(ProviderFailures.Tenant, tenant.Id);
            var discovery = await http.GetDiscoveryDocumentAsync(request, cancel);

            if (discovery.ErrorType == ResponseErrorType.PolicyViolation)
            {
                throw new ProviderMisconfiguredException($"discovery breaks the policy: {discovery.Error}");
            }

            if (discovery.IsError)
            {
                // A message without the body: the provider's answer could echo anything back.
                throw new InvalidOperationException(
                    $"Discovery for tenant {tenant.Id} failed: {discovery.ErrorType} {(int)discovery.HttpStatusCode}");
            }

            if (!string.Equals(discovery.Issuer, tenant.Issuer, StringComparison.Ordinal))
            {
                throw new ProviderMisconfiguredException(
                    $"discovery names the issuer '{discovery.Issuer}', the tenant's is '{tenant.Issuer}': they must be equal exactly");
            }

            var configuration = OpenIdConnectConfiguration.Create(discovery.Raw);
            var keys = new JsonWebKeySet(JsonSerializer.Serialize(discovery.KeySet));
            configuration.JsonWebKeySet = keys;
            foreach (var key in keys.GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
            }

            return configuration;
        }
    }
}

/// <summary>A provider that answers, but against the tenant's configuration or the discovery rules.</summary>
public sealed class ProviderMisconfiguredException(string message) : Exception(message);
