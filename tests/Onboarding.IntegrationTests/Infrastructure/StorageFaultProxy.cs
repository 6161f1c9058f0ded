using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>What the proxy does to one storage request.</summary>
public enum StorageFault
{
    None,

    /// <summary>The connection is dropped before the request reaches storage: nothing happened.</summary>
    Refuse,

    /// <summary>Storage did the work, then the connection is dropped before any answer: the caller cannot know.</summary>
    LoseAnswer,

    /// <summary>Storage did the work; the answer's status and headers arrive, then the connection is reset mid-body.</summary>
    ResetMidResponse,

    /// <summary>The request waits <see cref="StorageFaultProxy.DelayBy"/>, then goes through: a slow storage, or an interleaving a test forces.</summary>
    Delay,
}

/// <summary>
/// An HTTP proxy between the service and Azurite that injects faults per request, reproducibly from
/// a seed: a connection refused, an answer lost after storage did the work, a reset in the middle of
/// the answer — what the field's network does to Table storage now and then.
/// </summary>
public sealed partial class StorageFaultProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly Uri _target;
    private readonly Random _random;
    private readonly int _port;
    private int _requests;
    private int _injected;
    private int _late;
    private int _writesBeforeCrash = -1;
    private bool _crashed;

    private StorageFaultProxy(WebApplication app, int port, Uri target, int seed)
    {
        _app = app;
        _port = port;
        _target = target;
        _random = new Random(seed);
    }

    /// <summary>The share of requests that meet a fault (0: none, the proxy passes everything).</summary>
    public double FaultRate { get; set; }

    /// <summary>The faults to choose from, evenly.</summary>
    public StorageFault[] Faults { get; set; } = [StorageFault.Refuse, StorageFault.LoseAnswer, StorageFault.ResetMidResponse];

    /// <summary>
    /// A fault chosen by method and decoded address (path with the table's name, and the query with
    /// its filter's keys), before the random ones; null or <see cref="StorageFault.None"/> passes.
    /// </summary>
    public Func<string, string, StorageFault>? Rule { get; set; }

    /// <summary>How long a <see cref="StorageFault.Delay"/> holds a request.</summary>
    public TimeSpan DelayBy { get; set; } = TimeSpan.FromMilliseconds(500);

    public int Requests => _requests;

    /// <summary>The first request the crash refused (method and path), for a test's message.</summary>
    public string? CrashedAt { get; private set; }

    /// <summary>Whether the crash <see cref="CrashAfterWrites"/> armed has happened.</summary>
    public bool Crashed
    {
        get
        {
            lock (_random)
            {
                return _crashed;
            }
        }
    }

    /// <summary>
    /// The process dies after <paramref name="writes"/> more writes reached storage (0: before the
    /// next one): from then on every request — read or write — is refused, as nothing more of a dead
    /// process reaches storage. <see cref="Recover"/> ends it.
    /// </summary>
    public void CrashAfterWrites(int writes)
    {
        lock (_random)
        {
            (_writesBeforeCrash, _crashed, CrashedAt) = (writes, false, null);
        }
    }

    /// <summary>Storage answers again: the crash is over (for the next process).</summary>
    public void Recover()
    {
        lock (_random)
        {
            (_writesBeforeCrash, _crashed) = (-1, false);
        }
    }

    public int Injected => _injected;

    /// <summary>Delayed requests that reached storage after their caller had given up on them.</summary>
    public int Late => _late;

    /// <summary>Azurite's connection string, with the table endpoint through this proxy.</summary>
    public string ConnectionString => TableEndpoint().Replace(TestEnvironment.StorageConnectionString, $"TableEndpoint=http://127.0.0.1:{_port}/devstoreaccount1;");

    public static async Task<StorageFaultProxy> StartAsync(int seed)
    {
        var target = new Uri(TableEndpoint().Match(TestEnvironment.StorageConnectionString).Groups["url"].Value.TrimEnd('/') + "/");
        var port = TestEnvironment.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new StorageFaultProxy(app, port, target, seed);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    private StorageFault Next(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        lock (_random)
        {
            if (_crashed || (_writesBeforeCrash == 0 && request.Method != "GET"))
            {
                CrashedAt ??= $"{request.Method} {Uri.UnescapeDataString(request.Path.Value ?? "")}";
                _crashed = true;
                return StorageFault.Refuse;
            }

            if (_writesBeforeCrash > 0 && request.Method != "GET")
            {
                _writesBeforeCrash--;
            }
        }

        if (Rule?.Invoke(request.Method, Uri.UnescapeDataString((request.Path.Value ?? "") + request.QueryString.Value)) is { } ruled
            and not StorageFault.None)
        {
            Interlocked.Increment(ref _injected);
            return ruled;
        }

        lock (_random)
        {
            if (FaultRate <= 0 || _random.NextDouble() >= FaultRate)
            {
                return StorageFault.None;
            }

            Interlocked.Increment(ref _injected);
            return Faults[_random.Next(Faults.Length)];
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var fault = Next(context.Request);
        if (fault == StorageFault.Refuse)
        {
            context.Abort();
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (fault == StorageFault.Delay)
        {
            // Storage has the request and is slow: it does the work late, whether or not the caller still waits.
            await Task.Delay(DelayBy, CancellationToken.None);
            if (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _late);
            }
        }

        // The path keeps the account segment (/devstoreaccount1/...), as the SDK signed it.
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            new Uri(_target.GetLeftPart(UriPartial.Authority) + context.Request.Path + context.Request.QueryString));
        if (body.Length > 0 || context.Request.ContentLength is not null)
        {
            forward.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name is "Host" or "Content-Length" or "Connection" or "Transfer-Encoding" or "Expect")
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var answer = await _forward.SendAsync(forward, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
        var bytes = await answer.Content.ReadAsByteArrayAsync();
        if (fault == StorageFault.LoseAnswer)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (name is not ("Transfer-Encoding" or "Connection"))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        context.Response.ContentLength = bytes.Length;
        if (fault == StorageFault.ResetMidResponse && bytes.Length > 1)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        if (fault == StorageFault.ResetMidResponse)
        {
            await context.Response.Body.FlushAsync(); // headers only, then the reset
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _forward.Dispose();
    }

    [GeneratedRegex("TableEndpoint=(?<url>[^;]+);?")]
    private static partial Regex TableEndpoint();
}
