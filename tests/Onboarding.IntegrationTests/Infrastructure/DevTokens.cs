using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// Access tokens of demo accounts from the development provider, got the way the openEO Python client
/// gets them: the public client <c>openeo-cli</c>, authorization code with PKCE.
/// </summary>
public static class DevTokens
{
    private const string RedirectUri = "http://127.0.0.1/dev-cli/callback";

    public static async Task<string> AccessTokenAsync(string account, string realm = "demo")
    {
        var issuer = $"{TestEnvironment.IdpBaseUrl}/realms/{realm}";
        using var browser = new Browser();
        using var http = new HttpClient();
        var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = issuer,
            Policy = { RequireHttps = false },
        });
        if (discovery.IsError)
        {
            throw new InvalidOperationException(discovery.Error);
        }

        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var authorize = new RequestUrl(discovery.AuthorizeEndpoint!).CreateAuthorizeUrl(
            clientId: "openeo-cli", responseType: "code",
            scope: "openid email eduperson_entitlement eduperson_scoped_affiliation voperson_id",
            redirectUri: RedirectUri, state: Guid.NewGuid().ToString("N"), nonce: Guid.NewGuid().ToString("N"),
            loginHint: account,
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
        return token.AccessToken ?? throw new InvalidOperationException(token.Error);
    }
}
