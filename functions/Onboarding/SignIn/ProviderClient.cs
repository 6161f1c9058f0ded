using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>What userinfo said about an access token.</summary>
/// <param name="Claims">The claims, when the provider accepted the token.</param>
/// <param name="Refusal">Why there are none: the provider refused the token, or its answer was not acceptable.</param>
public sealed record UserInfo(JsonElement? Claims, string? Refusal);

/// <summary>The back-channel calls to a tenant's provider: code exchange and userinfo.</summary>
public sealed class ProviderClient(IHttpClientFactory httpClients, SignedUserInfo signedUserInfo)
{
    private const int MaxUserInfoBytes = 64 * 1024;

    /// <summary>
    /// Exchanges the code with the same redirect URI and the PKCE verifier, authenticating as the
    /// tenant says (<c>client_secret_basic</c> or <c>client_secret_post</c>, either with any secret).
    /// Network failures and 5xx mean 503; a refusal means the code is bad.
    /// </summary>
    public async Task<TokenResponse> ExchangeCodeAsync(Tenant tenant, OpenIdConnectConfiguration metadata,
        string code, string codeVerifier, string redirectUri, CancellationToken cancellationToken)
    {
        var style = CredentialStyle(tenant, metadata);
        using var http = httpClients.CreateClient(ProviderMetadata.HttpClientName);
        using var request = new AuthorizationCodeTokenRequest
        {
            Address = metadata.TokenEndpoint,
            ClientId = tenant.ClientId,
            ClientSecret = tenant.ClientSecret,
            ClientCredentialStyle = style,
            Code = code,
            RedirectUri = redirectUri,
            CodeVerifier = codeVerifier,
        };
        request.Options.Set(ProviderFailures.Tenant, tenant.Id);
        var response = await Call(() => http.RequestAuthorizationCodeTokenAsync(request, cancellationToken));

        ThrowIfUnavailable(response);
        if (response.IsError || string.IsNullOrEmpty(response.AccessToken))
        {
            throw new OnboardingException(ApiError.TokenExchangeFailed,
                inner: new InvalidOperationException($"token endpoint: {response.ErrorType} {response.Error}"));
        }

        return response;
    }

    /// <summary>
    /// The Duende credential style for the tenant's method, after checking that the provider offers
    /// it (discovery's default, when silent, is <c>client_secret_basic</c>: OIDC Discovery §3).
    /// </summary>
    public static ClientCredentialStyle CredentialStyle(Tenant tenant, OpenIdConnectConfiguration metadata)
    {
        var offered = metadata.TokenEndpointAuthMethodsSupported is { Count: > 0 } methods ? methods : [ClientAuthMethods.SecretBasic];
        if (!offered.Contains(tenant.TokenEndpointAuthMethod))
        {
            throw new OnboardingException(ApiError.OidcProviderMisconfigured, inner: new ProviderMisconfiguredException(
                $"the tenant authenticates with {tenant.TokenEndpointAuthMethod}, the provider offers {string.Join(", ", offered)}"));
        }

        return tenant.TokenEndpointAuthMethod == ClientAuthMethods.SecretPost
            ? ClientCredentialStyle.PostBody
            : ClientCredentialStyle.AuthorizationHeader;
    }

    /// <summary>
    /// The userinfo claims for an access token: a JSON object, or a signed JWT (OIDC Core §5.3.2)
    /// verified like an ID token. 401/403 and unacceptable answers give a refusal with its reason.
    /// </summary>
    /// <param name="audience">The client a signed answer must be for, when it names one: the service's
    /// own at the callback; null for a bearer token, which belongs to the platform's client.</param>
    public async Task<UserInfo> GetUserInfoAsync(Tenant tenant, OpenIdConnectConfiguration metadata, string accessToken,
        string? audience, CancellationToken cancellationToken)
    {
        // A bearer token (no audience expected) goes through the bearer pipeline, never the sign-in path's.
        using var http = httpClients.CreateClient(audience is null ? ProviderMetadata.BearerHttpClientName : ProviderMetadata.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, metadata.UserInfoEndpoint);
        request.Options.Set(ProviderFailures.Tenant, tenant.Id);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("application/jwt");
        using var response = await Call(() => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken));
        var status = (int)response.StatusCode;
        if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new OnboardingException(ApiError.OidcProviderUnavailable,
                inner: new InvalidOperationException($"userinfo answered {status}"));
        }

        if (!response.IsSuccessStatusCode)
        {
            return new UserInfo(null, $"userinfo refused the access token ({status})");
        }

        var body = await ReadBoundedAsync(response, cancellationToken);
        if (body is null)
        {
            return new UserInfo(null, $"userinfo answer over {MaxUserInfoBytes} bytes");
        }

        // Media types compare ignoring case (RFC 9110 §8.3.1): "Application/JWT" is a signed answer too.
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        return mediaType switch
        {
            _ when string.Equals(mediaType, "application/jwt", StringComparison.OrdinalIgnoreCase) =>
                await signedUserInfo.ReadAsync(tenant, metadata, body, audience, cancellationToken),
            _ when string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) => Json(body),
            _ => new UserInfo(null, $"userinfo answered {mediaType ?? "no content type"}"),
        };
    }

    private static UserInfo Json(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new UserInfo(document.RootElement.Clone(), null)
                : new UserInfo(null, "userinfo is not a JSON object");
        }
        catch (JsonException)
        {
            return new UserInfo(null, "userinfo is not valid JSON");
        }
    }

    private static async Task<string?> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is > MaxUserInfoBytes)
        {
            return null;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxUserInfoBytes + 1];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), cancellationToken) is > 0 and var n)
        {
            read += n;
        }

        return read > MaxUserInfoBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException
            or Polly.ExecutionRejectedException) // time-outs and an open circuit from the resilience pipeline
        {
            throw new OnboardingException(ApiError.OidcProviderUnavailable, inner: e);
        }
    }

    private static void ThrowIfUnavailable(ProtocolResponse response)
    {
        if (response.ErrorType == ResponseErrorType.Exception
            || (response.ErrorType == ResponseErrorType.Http && (int)response.HttpStatusCode >= 500)
            || response.HttpStatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new OnboardingException(ApiError.OidcProviderUnavailable,
                inner: new InvalidOperationException($"provider answered {response.ErrorType} {(int)response.HttpStatusCode}"));
        }
    }
}
