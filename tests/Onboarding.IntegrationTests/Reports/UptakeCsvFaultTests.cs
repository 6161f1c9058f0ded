using System.Net;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Uptake;

namespace Onboarding.IntegrationTests.Reports;

/// <summary>
/// The uptake CSV is written month by month as the months' rows come in (all asked for at once).
/// Storage failing before the first month is a 503 with Retry-After; failing at a later month aborts
/// the download, so no spreadsheet ever holds a file that ends short as if it were complete.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class UptakeCsvFaultTests : IAsyncLifetime
{
    private const string Tenant = "demo";
    private StorageFaultProxy _proxy = null!;
    private ServiceHost _service = null!;
    private string _olivia = "";

    public async ValueTask InitializeAsync()
    {
        _proxy = await StorageFaultProxy.StartAsync(seed: 3);
        var port = TestEnvironment.FreePort();
        _service = await ServiceHost.StartAsync([TestTenants.OnDevProvider(Tenant, port)], port, settings: new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _proxy.ConnectionString,
            ["AzureWebJobs.DrainUptake.Disabled"] = "true",
        });
        _olivia = await DevTokens.AccessTokenAsync("olivia", Tenant);

        // Six months of 300 institutions each, as the drain would have left them.
        var uptake = _service.Table("uptake");
        await uptake.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        for (var month = 1; month <= 6; month++)
        {
            var values = Enumerable.Range(0, 300).ToDictionary(i => $"inst{i}.example.org", i => Counts(10 + i), StringComparer.Ordinal);
            await uptake.UpsertEntityAsync(UptakeSummaries.Write(Partition(month), Dimensions.Institution, values),
                cancellationToken: TestContext.Current.CancellationToken);
            await uptake.UpsertEntityAsync(UptakeSummaries.Write(Partition(month), Dimensions.Total, new() { [""] = Counts(5_000) }),
                cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    private static string Partition(int month) => UptakeKeys.Partition(Tenant, 2026, month);

    private static ValueCounts Counts(long n)
    {
        var counts = new ValueCounts();
        counts.Add(Metrics.SignUps, n);
        counts.Add(Metrics.ActiveUsers, n);
        return counts;
    }

    private async Task<HttpResponseMessage> DownloadAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            new Uri(_service.BaseUrl, $"api/tenants/{Tenant}/reports/uptake?from=2026-01&to=2026-06&by=institution&format=csv"));
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {_olivia}");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    private void FailReadsOf(int month) =>
        _proxy.Rule = (method, address) => method == "GET" && address.Contains(Partition(month), StringComparison.Ordinal) ? StorageFault.Refuse : StorageFault.None;

    [Fact]
    public async Task StorageFailingAtTheFirstMonth_Answers503WithRetryAfter_ThenTheWholeFile()
    {
        using var http = new HttpClient();
        FailReadsOf(1);
        using (var refused = await DownloadAsync(http))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        _proxy.Rule = null;
        using var response = await DownloadAsync(http);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split("\r\n")[1..^1];
        Assert.Equal(6 * 301, rows.Length); // each month's total and its 300 institutions
        Assert.StartsWith("2026-01,(total),5000,", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("2026-01,inst299.example.org,309,", rows[1], StringComparison.Ordinal); // most active first
        Assert.StartsWith("2026-06,inst0.example.org,10,", rows[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageFailingAtALaterMonth_AbortsTheDownload_NeverAFileThatLooksComplete()
    {
        using var http = new HttpClient();
        FailReadsOf(4);

        using var response = await DownloadAsync(http);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the first months were already on their way
        var read = await Record.ExceptionAsync(() => response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(read is HttpRequestException or IOException, $"the download should break off, not end: {read?.GetType().Name ?? "it ended"}");
        Assert.Contains("CSV export (uptake) failed after it started", _service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Unexpected failure", _service.Logs.All, StringComparison.Ordinal);
    }
}
