using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.LocalHost;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// 10,000 generated requests over every route and method of the function catalog, reproducible from
/// the seed: odd tenants and path values, parameters, duplicated and malformed cookies, headers,
/// content types and bodies. None may answer 5xx (but the tenant whose provider is down answers its
/// 503), carry a stack trace or an exception's name, or reflect input into a page unescaped.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class FuzzTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private const int Seed = 20261202;
    private const int Requests = 10_000;
    private const string Marker = "<zq9\"fz>";

    private static readonly string[] Tenants = ["demo", "other", "down", "nope", "DEMO", "de%2Fmo", "%00", "..", "x".PadRight(300, 'x'), Marker];
    private static readonly string[] Methods = ["GET", "POST", "DELETE", "PUT", "OPTIONS", "HEAD", "PATCH"];
    private static readonly string[] Words =
    [
        "", " ", "x", "alice@vito.be", "%", "%zz", "%00", "\u202Egro", "é", "😀", "\uD800", "null", "-1", "0", "99999999999999999999",
        "0001-01", "9999-12", "2026-13", "yes", "true", "staff", "login", "csv", "country", "institution", "role", "../../etc/passwd",
        "https://evil.example/", "javascript:alert(1)", "//evil.example", Marker, new string('a', 5000), "a=b&c=d", "\r\nX-Injected: 1",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-7", "application/json",
        "multipart/form-data", "multipart/form-data; boundary=x", "text/plain", "application/octet-stream", "", ";;;", "text/html; charset=\"",
    ];

    private ServiceHost Service => host.Service;

    [Fact(Timeout = 300_000)]
    public async Task TenThousandGeneratedRequests_No5xx_NoStackTrace_NothingReflectedUnescaped()
    {
        var catalog = Service.Services.GetRequiredService<FunctionCatalog>();
        var routes = catalog.Http.OrderBy(f => f.Route, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => (f.Route, f.Methods)).ToList();
        var random = new Random(Seed);
        var requests = Enumerable.Range(0, Requests).Select(i => Generate(random, routes, i)).ToList();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = 16,
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8, // non-ASCII header bytes, as an attacker sends them
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestContext.Current.CancellationToken },
            async (generated, ct) =>
            {
                using var request = generated.Build(Service.BaseUrl);
                using var response = await http.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                var downTenant = status == 503 && generated.Path.StartsWith("api/tenants/down/", StringComparison.Ordinal);
                if (status >= 500 && !downTenant)
                {
                    failures.Add($"#{generated.Index} {generated.Method} {generated.Path}: {status}");
                }

                if (body.Contains("Exception", StringComparison.Ordinal) || body.Contains("   at ", StringComparison.Ordinal))
                {
                    failures.Add($"#{generated.Index} {generated.Method} {generated.Path}: stack trace or exception name in the body");
                }

                if (response.Content.Headers.ContentType?.MediaType == "text/html" && body.Contains(Marker, StringComparison.Ordinal))
                {
                    failures.Add($"#{generated.Index} {generated.Method} {generated.Path}: input reflected unescaped");
                }
            });

        var histogram = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {Seed}, answers: {histogram}");
        Assert.True(failures.IsEmpty, $"seed {Seed}: {failures.Count} failures, e.g.\n" + string.Join('\n', failures.Take(20)) + $"\nanswers: {histogram}");
        // Not a fuzz of the router alone: many requests reach the functions and get past their first checks.
        Assert.True(statuses.Where(s => s.Key is >= 200 and < 400).Sum(s => s.Value) > Requests / 20, histogram);
        Assert.DoesNotContain("Unexpected failure", Service.Logs.All, StringComparison.Ordinal);
    }

    private sealed record Generated(int Index, string Method, string Path, IReadOnlyList<(string Name, string Value)> Headers,
        string? ContentType, byte[]? Body)
    {
        public HttpRequestMessage Build(Uri baseUrl)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(baseUrl, Path));
            foreach (var (name, value) in Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                if (ContentType is { Length: > 0 })
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
                }
            }

            return request;
        }
    }

    private static Generated Generate(Random random, List<(string Route, IReadOnlyList<string> Methods)> routes, int index)
    {
        string Pick(IReadOnlyList<string> from) => from[random.Next(from.Count)];
        string Word() => Uri.EscapeDataString(Pick(Words)) is var w && w.Length <= 6000 ? w : "";

        var (route, routeMethods) = routes[random.Next(routes.Count)];
        var path = "api/" + string.Join('/', route.Split('/').Select(segment => segment switch
        {
            "{tenant}" => Pick(Tenants),
            ['{', .., '}'] => random.Next(3) == 0 ? Word() : Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + "abcdef0123456789",
            _ => segment,
        }));
        var query = string.Join('&', Enumerable.Range(0, random.Next(5)).Select(_ =>
            $"{Pick(["email", "user", "institution", "country", "from", "to", "by", "format", "return_to", "login_hint", "for", "prompt", "state", "code", "error", "iss", "page", "csrf", Word()])}={Word()}"));
        var headers = new List<(string, string)>();
        var cookies = Enumerable.Range(0, random.Next(4)).Select(_ =>
            $"{Pick(["onboarding-login-demo", "onboarding-session-demo", "onboarding-staff-demo", "onboarding-staff-other", "__Host-x", "", " ", "=", Word()])}={Word()}");
        if (random.Next(2) == 0)
        {
            headers.Add(("Cookie", string.Join(random.Next(2) == 0 ? "; " : ";;", cookies)));
        }

        if (random.Next(3) == 0)
        {
            headers.Add(("Authorization", Pick(["Bearer ", "Bearer x", "Bearer oidc/egi/x", "Basic Zm9vOmJhcg==", "bearer  a b", "Bearer " + new string('a', 5000), "Bearer é", "Negotiate x", Word()])));
        }

        headers.Add(("Accept", Pick(["text/html", "application/json", "*/*", "text/csv", "", "text/html;q=0.1, application/json;q=oops", Word()])));
        if (random.Next(4) == 0)
        {
            headers.Add(("Origin", Pick(["https://editor.openeo.cloud", "https://evil.example", "null", Word()])));
        }

        if (random.Next(4) == 0)
        {
            headers.Add(("Sec-Fetch-Site", Pick(["same-origin", "cross-site", "none", "same-site", Word()])));
        }

        byte[]? body = null;
        string? contentType = null;
        // Mostly the function's own methods, so most requests get past the router into the function.
        var method = random.Next(5) == 0 ? Pick(Methods) : routeMethods[random.Next(routeMethods.Count)].ToUpperInvariant();
        if (method is "POST" or "PUT" or "PATCH" or "DELETE" && random.Next(3) > 0)
        {
            contentType = Pick(ContentTypes);
            body = random.Next(6) switch
            {
                0 => Encoding.UTF8.GetBytes(string.Join('&', Enumerable.Range(0, random.Next(1, 60)).Select(i => $"{Pick(["confirm", "csrf", "email", "user", Word()])}={Word()}"))),
                1 => Encoding.UTF8.GetBytes("{\"confirm\":" + Word() + "}"),
                2 => RandomBytes(random, random.Next(0, 4096)),
                3 => new byte[random.Next(17_000, 70_000)],
                4 => Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"confirm\"\r\n\r\nyes\r\n--x--\r\n"),
                _ => [],
            };
        }

        return new Generated(index, method, path + (query.Length > 0 ? "?" + query : ""), headers, contentType, body);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
