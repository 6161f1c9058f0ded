using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.Benchmarks;

/// <summary>
/// Browser-like clients over one shared connection pool: each <see cref="Browser"/> has its own
/// cookie jar (a new one per sign-in, as a new browser), follows redirects itself (as
/// tests/…/Browser.cs does) and asks for JSON. The development provider signs a known
/// <c>login_hint</c> in at once and consents automatically.
/// </summary>
internal static class Http
{
    public static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        MaxConnectionsPerServer = 256,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };
}

internal sealed class Browser
{
    private readonly CookieContainer _cookies = new();

    public async Task<HttpResponseMessage> GetAsync(Uri url, string? captureId = null, string? bearer = null, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(accept);
        if (_cookies.GetCookieHeader(url) is { Length: > 0 } cookie)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (captureId is not null)
        {
            request.Headers.Add(HostMeter.CaptureHeader, captureId);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await Http.Client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                _cookies.SetCookies(url, setCookie);
            }
        }

        return response;
    }

    /// <summary>Follows redirects until an answer is not one, or until <paramref name="stopAt"/> says so (then the URL, not called).</summary>
    public async Task<(HttpResponseMessage? Response, Uri Url)> FollowAsync(Uri url, Func<Uri, bool>? stopAt = null)
    {
        for (var hop = 0; hop < 20; hop++)
        {
            if (stopAt?.Invoke(url) == true)
            {
                return (null, url);
            }

            var response = await GetAsync(url);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null)
            {
                return (response, url);
            }

            url = new Uri(url, response.Headers.Location);
            response.Dispose();
        }

        throw new InvalidOperationException("too many redirects");
    }

    /// <summary>Starts a sign-in at the service and follows it to the callback URL the provider sends back, without calling it.</summary>
    public async Task<Uri> CallbackUrlAsync(BenchHost host, string account)
    {
        var (_, url) = await FollowAsync(new Uri(host.BaseUrl, $"api/tenants/{BenchHost.Tenant}/login?login_hint={account}"),
            u => u.Port == host.BaseUrl.Port && u.AbsolutePath.EndsWith("/callback", StringComparison.Ordinal));
        return url.AbsolutePath.EndsWith("/callback", StringComparison.Ordinal)
            ? url
            : throw new InvalidOperationException($"the sign-in of {account} did not come back to the callback");
    }

    /// <summary>A full sign-in, every redirect followed: true when it ends in the service's JSON answer for the person.</summary>
    public async Task<bool> SignInAsync(BenchHost host, string account)
    {
        var (response, url) = await FollowAsync(new Uri(host.BaseUrl, $"api/tenants/{BenchHost.Tenant}/login?login_hint={account}"));
        using (response)
        {
            if (response is not { StatusCode: HttpStatusCode.OK } || !url.AbsolutePath.EndsWith("/callback", StringComparison.Ordinal))
            {
                return false;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.TryGetProperty("user_id", out _);
        }
    }
}

/// <summary>Tokens and codes from the development provider, got as its clients get them.</summary>
internal static class DevProvider
{
    private const string CliRedirectUri = "http://127.0.0.1/dev-cli/callback";

    /// <summary>
    /// An access token of a demo account through the public client <c>openeo-cli</c> (authorization code
    /// with PKCE), as tests/…/DevTokens.cs and the openEO clients get one: for staff (carol) and operators (olivia).
    /// </summary>
    public static async Task<string> AccessTokenAsync(BenchEnvironment env, string account)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = $"{env.Issuer}/protocol/openid-connect/auth?client_id=openeo-cli&response_type=code"
            + $"&scope={Uri.EscapeDataString("openid email eduperson_entitlement eduperson_scoped_affiliation voperson_id")}"
            + $"&redirect_uri={Uri.EscapeDataString(CliRedirectUri)}&state={Guid.NewGuid():N}&nonce={Guid.NewGuid():N}"
            + $"&login_hint={account}&code_challenge={challenge}&code_challenge_method=S256";
        var (_, callback) = await new Browser().FollowAsync(new Uri(authorize),
            u => u.AbsoluteUri.StartsWith(CliRedirectUri, StringComparison.Ordinal));
        var code = Query(callback, "code") ?? throw new InvalidOperationException("no code for " + account);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "openeo-cli",
            ["code"] = code,
            ["redirect_uri"] = CliRedirectUri,
            ["code_verifier"] = verifier,
        });
        using var response = await Http.Client.PostAsync(new Uri($"{env.Issuer}/protocol/openid-connect/token"), form);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("access_token", out var token)
            ? token.GetString()!
            : throw new InvalidOperationException($"no token for {account}: {body.RootElement}");
    }

    public static string? Query(Uri url, string name) => System.Web.HttpUtility.ParseQueryString(url.Query)[name];
}
