using System.Net;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.SignIn;

/// <summary>The back-channel calls to a tenant's provider: code exchange and userinfo.</summary>
public sealed class ProviderClient(IHttpClientFactory httpClients)
{
    /// <summary>
    /// Exchanges the code with the same redirect URI and the PKCE verifier, authenticating with
    /// <c>client_secret_basic</c>. Network failures and 5xx mean 503; a refusal means the code is bad.
    /// </summary>
    public async Task<TokenResponse> ExchangeCodeAsync(Tenant tenant, OpenIdConnectConfiguration metadata,
        string code, string codeVerifier, string redirectUri, CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(ProviderMetadata.HttpClientName);
        var response = await Call(() => http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = metadata.TokenEndpoint,
            ClientId = tenant.ClientId,
            ClientSecret = tenant.ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader,
            Code = code,
            RedirectUri = redirectUri,
            CodeVerifier = codeVerifier,
        }, cancellationToken));

        ThrowIfUnavailable(response);
        if (response.IsError || string.IsNullOrEmpty(response.AccessToken))
        {
            throw new OnboardingException(ApiError.TokenExchangeFailed,
                inner: new InvalidOperationException($"token endpoint: {response.ErrorType} {response.Error}"));
        }

        return response;
    }

    /// <summary>The userinfo claims for an access token, or null when the provider refuses the token.</summary>
    public async Task<JsonElement?> GetUserInfoAsync(OpenIdConnectConfiguration metadata, string accessToken,
        CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(ProviderMetadata.HttpClientName);
        var response = await Call(() => http.GetUserInfoAsync(new UserInfoRequest
        {
            Address = metadata.UserInfoEndpoint,
            Token = accessToken,
        }, cancellationToken));

        ThrowIfUnavailable(response);
        return response.IsError || response.Json is not { ValueKind: JsonValueKind.Object } json ? null : json.Clone();
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
