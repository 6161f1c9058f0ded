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

/// <summary>How far the tenant check goes.</summary>
public enum TenantCheckDepth
{
    /// <summary>
    /// Only what any client may read: discovery and the key set, and whether the provider offers the
    /// tenant's client authentication. What the service checks at every start.
    /// </summary>
    Metadata,

    /// <summary>
    /// Also the calls an operator asks for (<c>check-tenants</c>): the token endpoint with the client's
    /// credentials and a made-up code, when needed once more with a deliberately wrong secret (which
    /// a provider may count as a failed sign-in of the client, alert on or lock out after a few), and
    /// each partner's service account.
    /// </summary>
    Full,
}

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
    /// <summary>
    /// The findings of one tenant (or every tenant, when <paramref name="tenantId"/> is null), each
    /// tenant on its own: one whose check fails part-way keeps what was found so far, gets a finding
    /// that says so, and the others are still checked.
    /// </summary>
    public async Task<IReadOnlyList<TenantFinding>> CheckAsync(string? tenantId, TenantCheckDepth depth, CancellationToken cancellationToken)
    {
        var findings = new List<TenantFinding>();
        var chosen = tenantId is null ? tenants.All.OrderBy(t => t.Id, StringComparer.Ordinal).ToList() : [tenants.Get(tenantId)];
        foreach (var tenant in chosen)
        {
            try
            {
                await CheckAsync(tenant, depth, findings, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Only the exception's type (and a network failure's own text): a message could echo
                // anything a provider sent back.
                findings.Add(new TenantFinding(tenant.Id, "check", false,
                    $"the check of this tenant stopped: {e.GetType().Name}{(e is HttpRequestException ? " (" + e.Message + ")" : "")}"));
            }
        }

        return findings;
    }

    private async Task CheckAsync(Tenant tenant, TenantCheckDepth depth, List<TenantFinding> found, CancellationToken cancellationToken)
    {
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
            return;
        }

        var usable = provider.SigningKeys.Count(k => k is RsaSecurityKey or ECDsaSecurityKey or JsonWebKey { Kty: "RSA" or "EC" });
        Add("keys", usable > 0, usable > 0
            ? $"{usable} RSA or EC signing key(s) in the key set"
            : "no RSA or EC signing key in the key set: no ID token could be verified");

        try
        {
            var style = ProviderClient.CredentialStyle(tenant, provider);
            Add("client authentication", true, $"{tenant.TokenEndpointAuthMethod} is offered by the provider");
            if (depth == TenantCheckDepth.Full)
            {
                found.Add(await ProbeClientAsync(tenant, provider.TokenEndpoint, style, cancellationToken));
            }
        }
        catch (OnboardingException e)
        {
            Add("client authentication", false, e.InnerException?.Message ?? e.Detail);
        }

        Add("registration", true, $"register at the provider: redirect URI {options.Value.CallbackUri(tenant.Id)}, "
            + $"post-logout redirect URI {options.Value.SignedOutUri(tenant.Id)} (not checkable without a person)");

        foreach (var partner in depth == TenantCheckDepth.Full ? tenant.Partners : [])
        {
            var problem = await partners.ServiceAccountProblemAsync(partner, tenant.Id, cancellationToken);
            Add($"partner {partner.Id}", problem is null, problem ?? $"service account {partner.ClientId} gets a token");
        }
    }

    /// <summary>
    /// The client credentials, tested without a person: a made-up authorization code, which a provider
    /// refuses with <c>invalid_grant</c> only after it has accepted the client (RFC 6749 §5.2). A
    /// provider that names the refusal otherwise (Glewlwyd: <c>invalid_code</c>) is asked once more
    /// with a wrong secret.
    /// </summary>
    private async Task<TenantFinding> ProbeClientAsync(Tenant tenant, string tokenEndpoint, ClientCredentialStyle style,
        CancellationToken cancellationToken)
    {
        var real = await ExchangeMadeUpCodeAsync(tenant, tokenEndpoint, style, tenant.ClientSecret, cancellationToken);
        var (holds, message) = await JudgeClientProbeAsync(tenant, real,
            () => ExchangeMadeUpCodeAsync(tenant, tokenEndpoint, style, "not-" + Secrets.Random(8), cancellationToken));
        return new TenantFinding(tenant.Id, "client credentials", holds, message);
    }

    /// <summary>
    /// What the token endpoint's answers say about the client. Only answers that are about the client
    /// count (<see cref="ProbeAnswer.IsAboutTheClient"/>): the real secret refused so is refused; one
    /// refused otherwise is accepted only if a wrong secret is then refused as the client. Any other
    /// pair of answers (two different 400s, a 429, a network failure) proves nothing either way.
    /// </summary>
    /// <param name="wrongSecret">Asks again with a wrong secret; only called when the first answer does not settle it.</param>
    internal static async Task<(bool Holds, string Message)> JudgeClientProbeAsync(Tenant tenant, ProbeAnswer real, Func<Task<ProbeAnswer>> wrongSecret)
    {
        if (real.Error == "invalid_grant")
        {
            return (true, "accepted (a made-up code was refused as invalid_grant)");
        }

        if (real.IsAboutTheClient)
        {
            return (false, $"refused ({real}): check clientId and the secret in {tenant.Id}'s clientSecretSetting"
                + (tenant.TokenEndpointAuthMethod == ClientAuthMethods.SecretBasic ? "; a provider that does not decode the secret wants client_secret_post" : ""));
        }

        var wrong = await wrongSecret();
        return wrong.IsAboutTheClient
            ? (true, $"accepted (a made-up code was refused as {real}, a wrong secret as {wrong})")
            : (false, $"inconclusive: the token endpoint answered {real} with the secret and {wrong} with a wrong one; "
                + "neither is about the client (invalid_client, unauthorized_client or 401)");
    }

    /// <summary>The token endpoint's answer: its HTTP status (0 when none came) and OAuth <c>error</c>.</summary>
    internal sealed record ProbeAnswer(int Status, string? Error)
    {
        /// <summary>An answer about the client itself (RFC 6749 §5.2), not about the code or the request.</summary>
        public bool IsAboutTheClient => Status == 401 || Error is "invalid_client" or "unauthorized_client";

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
