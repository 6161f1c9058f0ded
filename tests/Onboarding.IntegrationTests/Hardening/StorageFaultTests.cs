using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Storage that refuses connections or never answers: sign-in answers 503 with Retry-After (problem
/// details for programs, a page for browsers) within seconds, never a 500, and says why in the log.
/// </summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private TcpListener _silent = null!;

    public async ValueTask InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _silent = new TcpListener(IPAddress.Loopback, 0); // accepts, then says nothing
        _silent.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _silent.Stop();
        await _provider.DisposeAsync();
    }

    private static string StorageAt(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    public static TheoryData<string> Faults => new() { "refused", "silent" };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task StorageDown_LoginAnswers503WithRetryAfter_AsProblemAndAsPage(string fault)
    {
        var port = fault == "refused" ? TestEnvironment.FreePort() : ((IPEndPoint)_silent.LocalEndpoint).Port;
        await using var service = await ServiceHost.StartAsync([TestTenants.Rp(_provider)],
            settings: new Dictionary<string, string?> { ["Storage:ConnectionString"] = StorageAt(port) });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

        using var api = await http.GetAsync(new Uri(service.BaseUrl, "api/tenants/rp/login"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.NotNull(api.Headers.RetryAfter);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("ServiceUnavailable", problem.GetProperty("code").GetString());

        Assert.Contains("Storage failed handling /api/tenants/rp/login", service.Logs.All, StringComparison.Ordinal);
        if (fault == "silent")
        {
            return; // three tries of 5 s each: about 17 s, not the SDK's default 100 s a try
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(service.BaseUrl, "api/tenants/rp/callback?state=s&code=c"));
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("Cookie", "onboarding-login-rp=x");
        using var page = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(page.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadRequest, $"{page.StatusCode}");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        Assert.DoesNotContain("Unexpected failure", service.Logs.All, StringComparison.Ordinal);
    }
}
