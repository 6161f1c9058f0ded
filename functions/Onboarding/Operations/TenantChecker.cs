using Duende.IdentityModel.Client;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Operations;

/// <summary>One result of the tenant check: what was checked, whether it holds, and what to do.</summary>
public sealed record TenantFinding(string Tenant, string Check, bool Holds, string Message);

/// <summary>
/// Checks a tenant's configuration against the real provider and partners, the way a sign-in would
/// meet them, before any person does: discovery reachable and within the rules, issuer exact, keys
/// usable, the client authentication offered and the client credentials accepted, partners' service
/// accounts able to get a token. What it cannot check without a person: the redirect and post-logout
/// URIs registered at the provider (it prints them), the scopes and claims released, the user key.
/// </summary>
public sealed class TenantChecker(TenantCatalog tenants, ProviderMetadata metadata, PartnerLinkChecker partners,
    IHttpClientFactory httpClients, IOptions<SignInOptions> options)
{
    public async Task<IReadOnlyList<TenantFinding>> CheckAsync(string? tenantId, CancellationToken cancellationToken)
    {
        var findings = new List<TenantFinding>();
        var chosen = tenantId is null ? tenants.All.OrderBy(t => t.Id, StringComparer.Ordinal).ToList() : [tenants.Get(tenantId)];
        foreach (var tenant in chosen)
        {
            findings.AddRange(await CheckAsync(tenant, cancellationToken));
        }

        return findings;
    }

    private async Task<List<TenantFinding>> CheckAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        var found = new List<TenantFinding>();
        void Add(string check, bool holds, string message) => found.Add(new TenantFinding(tenant.Id, check, holds, message));

        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration provider;
        try
        {
            provider = await metadata.GetAsync(tenant, cancellationToken);
            Add("discovery", true, $"{tenant.Issuer}: reachable, issuer exact, endpoints on allowed hosts");
        }
        catch (OnboardingException e)
        {
            Add("discovery", false, $"{tenant.Issuer}: {(e.InnerException as ProviderMisconfiguredException)?.Message ?? "unreachable (" + (e.InnerException?.InnerException ?? e.InnerException)?.Message + ")"}");
            return found;
        }

        var usable = provider.SigningKeys.Count(k => k is RsaSecurityKey or ECDsaSecurityKey or JsonWebKey { Kty: "RSA" or "EC" });
        Add("keys", usable > 0, usable > 0
            ? $"{usable} RSA or EC signing key(s) in the key set"
            : "no RSA or EC signing key in the key set: no ID token could be verified");

        try
        {
            var style = ProviderClient.CredentialStyle(tenant, provider);
            Add("client authentication", true, $"{tenant.TokenEndpointAuthMethod} is offered by the provider");
            found.Add(await ProbeClientAsync(tenant, provider.TokenEndpoint, style, cancellationToken));
        }
        catch (OnboardingException e)
        {
            Add("client authentication", false, e.InnerException?.Message ?? e.Detail);
        }

        Add("registration", true, $"register at the provider: redirect URI {options.Value.CallbackUri(tenant.Id)}, "
            + $"post-logout redirect URI {options.Value.SignedOutUri(tenant.Id)} (not checkable without a person)");

        foreach (var partner in tenant.Partners)
        {
            var problem = await partners.ServiceAccountProblemAsync(partner, tenant.Id, cancellationToken);
            Add($"partner {partner.Id}", problem is null, problem ?? $"service account {partner.ClientId} gets a token");
        }

        return found;
    }

    /// <summary>
    /// The client credentials, tested without a person: a made-up authorization code, which a provider
    /// refuses with <c>invalid_grant</c> only after it has accepted the client (RFC 6749 §5.2). A
    /// provider that names the refusal otherwise (Glewlwyd: <c>invalid_code</c>) is asked once more
    /// with a wrong secret: a different answer means the real one was accepted.
    /// </summary>
    private async Task<TenantFinding> ProbeClientAsync(Tenant tenant, string tokenEndpoint, ClientCredentialStyle style,
        CancellationToken cancellationToken)
    {
        const string check = "client credentials";
        var real = await ExchangeMadeUpCodeAsync(tenant, tokenEndpoint, style, tenant.ClientSecret, cancellationToken);
        if (real.Error == "invalid_grant")
        {
            return new(tenant.Id, check, true, "accepted (a made-up code was refused as invalid_grant)");
        }

        var wrong = await ExchangeMadeUpCodeAsync(tenant, tokenEndpoint, style, "not-" + Secrets.Random(8), cancellationToken);
        if (real != wrong)
        {
            return new(tenant.Id, check, true, $"accepted (a made-up code was refused as {real}, a wrong secret as {wrong})");
        }

        return real.Status is 401 or 403 || real.Error is "invalid_client" or "unauthorized_client"
            ? new(tenant.Id, check, false, $"refused ({real}), as a wrong secret is: check clientId and the secret in {tenant.Id}'s clientSecretSetting"
                + (tenant.TokenEndpointAuthMethod == ClientAuthMethods.SecretBasic ? "; a provider that does not decode the secret wants client_secret_post" : ""))
            : new(tenant.Id, check, false, $"inconclusive: the token endpoint answered {real} with either secret");
    }

    private sealed record ProbeAnswer(int Status, string? Error)
    {
        public override string ToString() => $"{Status} {Error}";
    }

    private async Task<ProbeAnswer> ExchangeMadeUpCodeAsync(Tenant tenant, string tokenEndpoint, ClientCredentialStyle style, string secret,
        CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(ProviderMetadata.HttpClientName);
        var response = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = tokenEndpoint,
            ClientId = tenant.ClientId,
            ClientSecret = secret,
            ClientCredentialStyle = style,
            Code = Secrets.Random(),
            RedirectUri = options.Value.CallbackUri(tenant.Id),
            CodeVerifier = Secrets.Random(),
        }, cancellationToken);
        return new ProbeAnswer((int)response.HttpStatusCode, response.Json?.TryGetString("error") ?? response.Error);
    }
}
