using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Tokens of demo accounts from the development provider, got the way the openEO clients get them:
/// the public client <c>openeo-cli</c>, authorization code with PKCE, and refreshed as they refresh.
/// </summary>
public static class DevTokens
{
    private const string RedirectUri = "http://127.0.0.1/dev-cli/callback";

    /// <summary>What the platform's own clients ask for: no <c>voperson_id</c> (FIELD.md).</summary>
    public const string PlatformScopes = "openid email eduperson_entitlement eduperson_scoped_affiliation";

    public static async Task<string> AccessTokenAsync(string account, string realm = "demo",
        string scope = PlatformScopes + " voperson_id") =>
        (await TokensAsync(account, realm, scope)).AccessToken!;

    /// <param name="offline">Ask for <c>offline_access</c> (a refresh token), as clients that refresh hourly do.</param>
    public static async Task<TokenResponse> TokensAsync(string account, string realm = "demo",
        string scope = PlatformScopes + " voperson_id", bool offline = false)
    {
        var discovery = await DiscoveryAsync(realm);
        using var browser = new Browser();
        using var http = new HttpClient();
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var authorize = new RequestUrl(discovery.AuthorizeEndpoint!).CreateAuthorizeUrl(
            clientId: "openeo-cli", responseType: "code",
            scope: offline ? scope + " offline_access" : scope,
            redirectUri: RedirectUri, state: Guid.NewGuid().ToString("N"), nonce: Guid.NewGuid().ToString("N"),
            loginHint: account,
            // oidc-provider issues a refresh token for offline_access only when consent is asked for.
            prompt: offline ? "consent" : null,
            codeChallenge: Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            codeChallengeMethod: "S256");

        var (_, callback) = await browser.FollowAsync(new Uri(authorize), u => u.AbsoluteUri.StartsWith(RedirectUri, StringComparison.Ordinal));
        var code = System.Web.HttpUtility.ParseQueryString(callback.Query)["code"]
            ?? throw new InvalidOperationException("no code in " + callback.GetLeftPart(UriPartial.Path));
        var token = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = "openeo-cli",
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Code = code,
            RedirectUri = RedirectUri,
            CodeVerifier = verifier,
        });
        return token.IsError || token.AccessToken is null ? throw new InvalidOperationException(token.Error) : token;
    }

    /// <summary>A new access token for a refresh token, as the openEO clients get one about hourly.</summary>
    public static async Task<TokenResponse> RefreshAsync(string refreshToken, string realm = "demo")
    {
        var discovery = await DiscoveryAsync(realm);
        using var http = new HttpClient();
        var token = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = "openeo-cli",
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            RefreshToken = refreshToken,
        });
        return token.IsError || token.AccessToken is null ? throw new InvalidOperationException(token.Error) : token;
    }

    public static async Task<DiscoveryDocumentResponse> DiscoveryAsync(string realm)
    {
        using var http = new HttpClient();
        var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = $"{TestEnvironment.IdpBaseUrl}/realms/{realm}",
            Policy = { RequireHttps = false },
        });
        return discovery.IsError ? throw new InvalidOperationException(discovery.Error) : discovery;
    }
}
