using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Onboarding.Functions.Http;

/// <summary>
/// A CSV file sent as its rows come (memory stays flat, the first byte goes out as soon as the first
/// rows are known): the first row is read before the answer starts, so a fault up to there is still a
/// clear 503; a fault after the first byte aborts the connection, so the download fails visibly
/// instead of ending short as if complete.
/// </summary>
public sealed partial class CsvDownload : IResult, IAsyncDisposable
{
    private const int FlushEvery = 500;

    private readonly string _fileName;
    private readonly string _header;
    private readonly IAsyncEnumerator<string> _rows;
    private readonly bool _any;

    private CsvDownload(string fileName, string header, IAsyncEnumerator<string> rows, bool any) =>
        (_fileName, _header, _rows, _any) = (fileName, header, rows, any);

    /// <summary>Starts the rows (and whatever they do first, such as an audit entry) before anything is sent.</summary>
    public static async Task<CsvDownload> StartAsync(string fileName, string header, IAsyncEnumerable<string> rows, CancellationToken cancellationToken)
    {
        var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        try
        {
            return new CsvDownload(fileName, header, enumerator, await enumerator.MoveNextAsync());
        }
        catch
        {
            await enumerator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Rows already at hand (a report read whole), sent as they are written out.</summary>
    public static CsvDownload Of(string fileName, string header, IEnumerable<string> rows)
    {
        var enumerator = new Rows(rows.GetEnumerator());
        return new CsvDownload(fileName, header, enumerator, enumerator.MoveNext());
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers[HeaderNames.ContentDisposition] = $"attachment; filename=\"{_fileName}\"";
        response.Headers[HeaderNames.CacheControl] = "no-store";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        try
        {
            await writer.WriteAsync(_header);
            for (var (any, n) = (_any, 0); any; any = await _rows.MoveNextAsync(), n++)
            {
                await writer.WriteAsync(_rows.Current);
                if (n % FlushEvery == 0)
                {
                    await writer.FlushAsync(httpContext.RequestAborted);
                }
            }

            await writer.FlushAsync(httpContext.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            httpContext.RequestServices.GetRequiredService<ILogger<CsvDownload>>().LogExportFailed(_fileName.Split('-')[0], e.GetType().Name);
            httpContext.Abort();
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => _rows.DisposeAsync();

    /// <summary>An in-memory sequence read as an asynchronous one.</summary>
    private sealed class Rows(IEnumerator<string> rows) : IAsyncEnumerator<string>
    {
        public string Current => rows.Current;

        public bool MoveNext() => rows.MoveNext();

        public ValueTask<bool> MoveNextAsync() => ValueTask.FromResult(rows.MoveNext());

        public ValueTask DisposeAsync()
        {
            rows.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

internal static partial class CsvDownloadLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "CSV export ({Kind}) failed after it started ({Failure}): the connection was aborted, so the file is not taken as complete")]
    public static partial void LogExportFailed(this ILogger logger, string kind, string failure);
}
