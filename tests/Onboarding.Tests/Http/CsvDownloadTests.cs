using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Functions.Http;

namespace Onboarding.Tests.Http;

/// <summary>
/// A CSV sent as its rows come: every row, the header first; a fault before the first row is the
/// caller's to answer (a 503), a fault after it aborts the connection, so the file is never taken as complete.
/// </summary>
public sealed class CsvDownloadTests
{
    [Fact]
    public async Task EveryRowIsWritten_AfterTheHeader_AsAnAttachmentNotCached()
    {
        var http = Context();

        await using var csv = await CsvDownload.StartAsync("users-demo.csv", "a,b\r\n", Rows(12_345), TestContext.Current.CancellationToken);
        await csv.ExecuteAsync(http);

        var lines = Body(http).Split("\r\n");
        Assert.Equal("a,b", lines[0]);
        Assert.Equal(12_345 + 2, lines.Length);
        Assert.Equal("12344,x", lines[^2]);
        Assert.Equal("text/csv; charset=utf-8", http.Response.ContentType);
        Assert.Equal("attachment; filename=\"users-demo.csv\"", http.Response.Headers.ContentDisposition.ToString());
        Assert.Equal("no-store", http.Response.Headers.CacheControl.ToString());
        Assert.False(http.Features.Get<Lifetime>()!.Aborted);
    }

    [Fact]
    public async Task AFaultBeforeTheFirstRow_IsThrownBeforeAnythingIsSent() =>
        await Assert.ThrowsAsync<TimeoutException>(() => CsvDownload.StartAsync("x.csv", "a\r\n", Rows(10, failAt: 0), TestContext.Current.CancellationToken));

    [Fact]
    public async Task AFaultAfterTheFirstRows_AbortsTheConnection_NeverEndsTheFileAsIfComplete()
    {
        var http = Context();

        await using var csv = await CsvDownload.StartAsync("x.csv", "a\r\n", Rows(5_000, failAt: 3_000), TestContext.Current.CancellationToken);
        await csv.ExecuteAsync(http);

        Assert.True(http.Features.Get<Lifetime>()!.Aborted);
        Assert.StartsWith("a\r\n0,x\r\n", Body(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsAtHand_AreSentTheSameWay()
    {
        var http = Context();

        await using var csv = CsvDownload.Of("r.csv", "h\r\n", ["1\r\n", "2\r\n"]);
        await csv.ExecuteAsync(http);

        Assert.Equal("h\r\n1\r\n2\r\n", Body(http));
    }

    private static async IAsyncEnumerable<string> Rows(int count, int failAt = -1)
    {
        for (var i = 0; i < count; i++)
        {
            if (i == failAt)
            {
                throw new TimeoutException("storage went away");
            }

            if (i % 1000 == 0)
            {
                await Task.Yield();
            }

            yield return $"{i},x\r\n";
        }
    }

    private static DefaultHttpContext Context()
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>)).BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        http.Features.Set<IHttpRequestLifetimeFeature>(new Lifetime());
        http.Features.Set(http.Features.Get<IHttpRequestLifetimeFeature>() as Lifetime);
        return http;
    }

    private static string Body(HttpContext http) => Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());

    private sealed class Lifetime : IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }
}
