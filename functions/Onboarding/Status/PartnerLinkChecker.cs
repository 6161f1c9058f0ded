using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Onboarding.Tenants;

namespace Onboarding.Status;

public enum LinkState
{
    Linked,
    NotLinked,
    Unknown,
}

/// <param name="Fresh">True when the partner was asked just now, false for a cached answer.</param>
public sealed record LinkAnswer(LinkState State, bool Fresh);

/// <summary>
/// Asks a partner's Keycloak admin API whether a person's Check-in identity is linked to an account
/// there. A partner that is slow or down yields <see cref="LinkState.Unknown"/>: it never fails a sign-in.
/// </summary>
public sealed partial class PartnerLinkChecker(
    IHttpClientFactory httpClients,
    IMemoryCache cache,
    TimeProvider time,
    ILogger<PartnerLinkChecker> logger)
{
    public const string HttpClientName = "partner";

    private static readonly TimeSpan TokenRenewalMargin = TimeSpan.FromSeconds(60);
    // Keyed by tenant and partner: two tenants' partners may share an id but never a credential.
    private readonly ConcurrentDictionary<(string Tenant, string Partner), (string Token, DateTimeOffset Until)> _tokens = new();

    /// <param name="fresh">True to ask the partner even when a cached answer exists (re-checks).</param>
    public async Task<LinkAnswer> CheckAsync(PartnerSettings partner, string tenantId, string identity, bool fresh,
        CancellationToken cancellationToken)
    {
        var key = (nameof(PartnerLinkChecker), tenantId, partner.Id, identity);
        if (!fresh && cache.TryGetValue(key, out LinkState cached))
        {
            return new LinkAnswer(cached, Fresh: false);
        }

        var state = await AskAsync(partner, tenantId, identity, cancellationToken);
        if (state != LinkState.Unknown)
        {
            cache.Set(key, state, partner.CacheFor);
        }

        return new LinkAnswer(state, Fresh: true);
    }

    private async Task<LinkState> AskAsync(PartnerSettings partner, string tenantId, string identity, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var token = await ServiceTokenAsync(partner, tenantId, renew: attempt > 0, cancellationToken);
                if (token is null)
                {
                    return LinkState.Unknown;
                }

                using var http = httpClients.CreateClient(HttpClientName);
                using var request = new HttpRequestMessage(HttpMethod.Get, UsersQuery(partner, identity));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    continue; // token revoked or expired early: renew once
                }

                if (!response.IsSuccessStatusCode)
                {
                    LogPartnerAnswer(partner.Id, (int)response.StatusCode);
                    return LinkState.Unknown;
                }

                using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                return body.RootElement is { ValueKind: JsonValueKind.Array } users && users.GetArrayLength() > 0
                    ? LinkState.Linked
                    : LinkState.NotLinked;
            }

            return LinkState.Unknown;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or JsonException
            // Polly's time-outs, open circuit and rate limits all derive from ExecutionRejectedException.
            or Polly.ExecutionRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogPartnerUnreachable(partner.Id, e.GetType().Name);
            return LinkState.Unknown;
        }
    }

    /// <summary><c>GET {base}/admin/realms/{realm}/users?idpAlias=…&amp;idpUserId=…&amp;exact=true&amp;briefRepresentation=true</c></summary>
    public static Uri UsersQuery(PartnerSettings partner, string identity) =>
        new($"{partner.AdminBaseUrl.AbsoluteUri.TrimEnd('/')}/admin/realms/{Uri.EscapeDataString(partner.Realm)}/users"
            + $"?idpAlias={Uri.EscapeDataString(partner.IdpAlias)}&idpUserId={Uri.EscapeDataString(identity)}"
            + "&exact=true&briefRepresentation=true");

    /// <summary>Whether the partner's service account gets a token now (the tenant check); the reason when not.</summary>
    public async Task<string?> ServiceAccountProblemAsync(PartnerSettings partner, string tenantId, CancellationToken cancellationToken)
    {
        try
        {
            return await ServiceTokenAsync(partner, tenantId, renew: true, cancellationToken) is null
                ? "the partner's token endpoint refused the service account's client credentials"
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or Polly.ExecutionRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"the partner's token endpoint could not be reached ({e.GetType().Name})";
        }
    }

    /// <summary>A client-credentials token for the partner's service account, reused until shortly before it expires.</summary>
    private async Task<string?> ServiceTokenAsync(PartnerSettings partner, string tenantId, bool renew, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!renew && _tokens.TryGetValue((tenantId, partner.Id), out var held) && held.Until > now)
        {
            return held.Token;
        }

        using var http = httpClients.CreateClient(HttpClientName);
        var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = partner.TokenEndpoint.AbsoluteUri,
            ClientId = partner.ClientId,
            ClientSecret = partner.ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
        }, cancellationToken);
        if (response.IsError || response.AccessToken is null)
        {
            LogTokenRefused(partner.Id, response.ErrorType.ToString(), (int)response.HttpStatusCode);
            return null;
        }

        var lifetime = TimeSpan.FromSeconds(Math.Max(response.ExpiresIn, 0));
        _tokens[(tenantId, partner.Id)] = (response.AccessToken, now + lifetime - TokenRenewalMargin);
        return response.AccessToken;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner {Partner} answered {Status}; link state unknown")]
    private partial void LogPartnerAnswer(string partner, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner {Partner} unreachable ({Failure}); link state unknown")]
    private partial void LogPartnerUnreachable(string partner, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner {Partner} refused the service token request: {ErrorType} {Status}")]
    private partial void LogTokenRefused(string partner, string errorType, int status);
}
