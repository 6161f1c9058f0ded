using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>
/// Storage that refuses connections or never answers: the callback answers 503 with Retry-After (problem
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
    public async Task StorageDown_CallbackAnswers503WithRetryAfter_AsProblemAndAsPage(string fault)
    {
        var port = fault == "refused" ? TestEnvironment.FreePort() : ((IPEndPoint)_silent.LocalEndpoint).Port;
        await using var service = await ServiceHost.StartAsync([TestTenants.Rp(_provider)],
            settings: new Dictionary<string, string?> { ["Storage:ConnectionString"] = StorageAt(port) });

        // /login needs no storage; the callback's first write (the state marked used) meets the fault.
        using (var api = new Browser())
        {
            using var response = await api.GetAsync(await api.CallbackUrlAsync(service.BaseUrl, "rp", "x"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            Assert.Equal("ServiceUnavailable", problem.GetProperty("code").GetString());
        }

        Assert.Contains("Storage failed handling /api/tenants/rp/callback", service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected failure", service.Logs.All, StringComparison.Ordinal);
        if (fault == "silent")
        {
            return; // three tries of 5 s each: about 17 s, not the SDK's default 100 s a try
        }

        using var browser = new Browser("text/html");
        using var page = await browser.GetAsync(await browser.CallbackUrlAsync(service.BaseUrl, "rp", "x"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.NotNull(page.Headers.RetryAfter);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
