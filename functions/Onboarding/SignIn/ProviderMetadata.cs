using System.Collections.Concurrent;
using System.Text.Json;
using Duende.IdentityModel.Client;
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
public sealed class ProviderMetadata(IHttpClientFactory httpClients, IOptions<SignInOptions> options)
{
    public const string HttpClientName = "oidc";

    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _managers = new();

    public ConfigurationManager<OpenIdConnectConfiguration> ManagerFor(Tenant tenant) =>
        _managers.GetOrAdd(tenant.Id, _ => new ConfigurationManager<OpenIdConnectConfiguration>(
            tenant.MetadataAddress, new DuendeDiscoveryRetriever(httpClients, tenant))
        {
            AutomaticRefreshInterval = options.Value.MetadataRefreshInterval,
            RefreshInterval = TimeSpan.FromSeconds(30),
        });

    /// <summary>The tenant provider's metadata, or 503 <c>OidcProviderUnavailable</c>.</summary>
    public async Task<OpenIdConnectConfiguration> GetAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        try
        {
            return await ManagerFor(tenant).GetConfigurationAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            throw new OnboardingException(ApiError.OidcProviderUnavailable, inner: e);
        }
    }

    /// <summary>
    /// Fetches discovery with Duende's client, whose policy checks that the document's issuer is the
    /// tenant's issuer exactly and that its endpoints live on the issuer's authority (HTTPS except on
    /// loopback), then hands document and key set to the Microsoft token stack.
    /// </summary>
    private sealed class DuendeDiscoveryRetriever(IHttpClientFactory httpClients, Tenant tenant)
        : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(
            string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            using var http = httpClients.CreateClient(HttpClientName);
            var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
            {
                Address = tenant.Issuer,
                Policy = new DiscoveryPolicy
                {
                    Authority = tenant.Issuer,
                    ValidateIssuerName = true,
                    ValidateEndpoints = true,
                    RequireKeySet = true,
                    RequireHttps = new Uri(tenant.Issuer).Scheme == Uri.UriSchemeHttps,
                },
            }, cancel);

            if (discovery.IsError)
            {
                // A message without the body: the provider's answer could echo anything back.
                throw new InvalidOperationException(
                    $"Discovery for tenant {tenant.Id} failed: {discovery.ErrorType} {discovery.HttpStatusCode}");
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
