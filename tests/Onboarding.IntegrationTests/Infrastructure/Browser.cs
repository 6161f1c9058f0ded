using System.Net;
using System.Net.Http.Headers;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// A browser-like client: keeps cookies, follows redirects itself so a test can stop at any hop
/// (for example at the callback, to tamper with it or replay it).
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser(string accept = "application/json")
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        _http.DefaultRequestHeaders.Accept.ParseAdd(accept);
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(Uri url) => _http.GetAsync(url);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    /// <summary>Follows redirects until a response is not a redirect, or until <paramref name="stopAt"/> says so.</summary>
    public async Task<(HttpResponseMessage Response, Uri Url)> FollowAsync(Uri url, Func<Uri, bool>? stopAt = null)
    {
        for (var hop = 0; hop < 20; hop++)
        {
            if (stopAt?.Invoke(url) == true)
            {
                return (new HttpResponseMessage(HttpStatusCode.OK), url);
            }

            var response = await _http.GetAsync(url);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is null)
            {
                return (response, url);
            }

            url = new Uri(url, response.Headers.Location);
            response.Dispose();
        }

        throw new InvalidOperationException("Too many redirects");
    }

    /// <summary>Starts a login and follows it to the callback URL the provider sends back, without calling it.</summary>
    public async Task<Uri> CallbackUrlAsync(Uri service, string tenant, string loginHint, string? returnTo = null)
    {
        var login = new Uri(service, $"api/tenants/{tenant}/login?login_hint={loginHint}"
            + (returnTo is null ? "" : "&return_to=" + Uri.EscapeDataString(returnTo)));
        var (_, url) = await FollowAsync(login, u => u.AbsolutePath.EndsWith($"/api/tenants/{tenant}/callback", StringComparison.Ordinal)
            && u.Port == service.Port);
        return url;
    }

    /// <summary>A full sign-in, following every redirect.</summary>
    public async Task<HttpResponseMessage> SignInAsync(Uri service, string tenant, string loginHint)
    {
        var (response, _) = await FollowAsync(new Uri(service, $"api/tenants/{tenant}/login?login_hint={loginHint}"));
        return response;
    }

    public static MediaTypeWithQualityHeaderValue Json { get; } = new("application/json");

    public void Dispose() => _http.Dispose();
}
