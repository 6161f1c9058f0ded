using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Onboarding.Benchmarks;

/// <summary>One storage request as the service sent it: table (without the host's prefix), operation, time taken.</summary>
internal sealed record StorageCall(string Table, string Operation, string Method, Uri Uri, string? Body, TimeSpan Duration, int Status)
{
    public string Key => $"{Table} {Operation}";
}

/// <summary>One call of the service to the identity provider (through its sign-in HTTP client).</summary>
internal sealed record ProviderCall(string Kind, TimeSpan Duration);

/// <summary>
/// What one unit of work (an HTTP request to the service, or a call the benchmark makes on the host's
/// services) sent to storage and the provider. Flows with the async context, so the overlapping calls
/// of one request are all its own and a timer's calls are never counted in it.
/// </summary>
internal sealed class RequestScope(string label, bool capture)
{
    public string Label { get; } = label;
    public bool Capture { get; } = capture;
    /// <summary>The requests themselves, kept only when capturing (a scope can outlive its work: an HTTP
    /// connection opened within it keeps its execution context, and with it this scope).</summary>
    public ConcurrentQueue<StorageCall> Storage { get; } = new();
    public ConcurrentQueue<ProviderCall> Provider { get; } = new();
    private int _requests;
    private int _failed;

    public int Requests => _requests;

    /// <summary>Requests answered 400 or above (a 404 of a delete of nothing, a 412 of a lost ETag race).</summary>
    public int Failed => _failed;

    public void Record(StorageCall call)
    {
        Interlocked.Increment(ref _requests);
        if (call.Status >= 400)
        {
            Interlocked.Increment(ref _failed);
        }

        if (Capture)
        {
            Storage.Enqueue(call);
        }
    }
    public TimeSpan Elapsed { get; set; }
    public int Status { get; set; }

    public static readonly AsyncLocal<RequestScope?> Current = new();

    /// <summary>Runs <paramref name="work"/> with its storage requests counted under <paramref name="label"/>.</summary>
    public static async Task<(T Result, RequestScope Scope)> RunAsync<T>(HostMeter meter, string label, Func<Task<T>> work)
    {
        var scope = new RequestScope(label, capture: false);
        var previous = Current.Value;
        Current.Value = scope;
        var started = Stopwatch.GetTimestamp();
        try
        {
            return (await work(), scope);
        }
        finally
        {
            scope.Elapsed = Stopwatch.GetElapsedTime(started);
            Current.Value = previous;
            meter.Complete(scope);
        }
    }
}

/// <summary>
/// Counts every storage request of one host by unit of work, table and operation. A pipeline policy
/// of the host's <see cref="Azure.Data.Tables.TableClientOptions"/> (per retry: each request that
/// really goes out). The table is read from the request URI; an entity-group transaction
/// (<c>$batch</c>) names its table only in its body, which is read for it.
/// </summary>
internal sealed partial class StorageMeter(HostMeter meter, string tablePrefix) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var scope = RequestScope.Current.Value;
        var (table, operation, body) = Classify(message.Request, scope?.Capture == true);
        var started = Stopwatch.GetTimestamp();
        if (async)
        {
            await ProcessNextAsync(message, pipeline);
        }
        else
        {
            ProcessNext(message, pipeline);
        }

        var call = new StorageCall(table, operation, message.Request.Method.Method, message.Request.Uri.ToUri(), body,
            Stopwatch.GetElapsedTime(started), message.HasResponse ? message.Response.Status : 0);
        meter.Count(scope?.Label ?? HostMeter.Background, call.Key);
        scope?.Record(call);
    }

    private (string Table, string Operation, string? Body) Classify(Request request, bool keepBody)
    {
        var path = Uri.UnescapeDataString(request.Uri.Path);
        // Path-style (Azurite): /{account}/{resource}; the resource is a table, Tables or $batch.
        var resource = path.TrimStart('/');
        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        resource = slash >= 0 ? resource[(slash + 1)..] : resource;
        var method = request.Method.Method;
        if (resource.StartsWith("$batch", StringComparison.Ordinal))
        {
            var body = BodyOf(request);
            var ops = SubRequest().Matches(body);
            var table = ops.Count > 0 ? Strip(ops[0].Groups["table"].Value) : "?";
            return (table, "batch", keepBody ? body : null);
        }

        var paren = resource.IndexOf('(', StringComparison.Ordinal);
        var name = paren >= 0 ? resource[..paren] : resource;
        if (name.StartsWith("Tables", StringComparison.Ordinal))
        {
            return ("(tables)", method == "POST" ? "create" : method.ToLowerInvariant(), null);
        }

        var entity = paren >= 0 && resource.Contains("PartitionKey=", StringComparison.Ordinal);
        var operation = (method, entity) switch
        {
            ("GET", true) => "get",
            ("GET", false) => "query",
            ("POST", _) => "insert",
            ("PUT", _) => "put",
            ("MERGE" or "PATCH", _) => "merge",
            ("DELETE", _) => "delete",
            _ => method.ToLowerInvariant(),
        };
        return (Strip(name), operation, keepBody && method is "PUT" or "POST" or "MERGE" or "PATCH" ? BodyOf(request) : null);
    }

    private string Strip(string table) =>
        table.StartsWith(tablePrefix, StringComparison.Ordinal) ? table[tablePrefix.Length..] : table;

    private static string BodyOf(Request request)
    {
        if (request.Content is null)
        {
            return "";
        }

        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A sub-request line of a batch body: <c>PUT http://…/{account}/{table}(PartitionKey=…) HTTP/1.1</c>.</summary>
    [GeneratedRegex(@"^(?<method>GET|POST|PUT|MERGE|PATCH|DELETE) \S+?/(?<table>[A-Za-z][A-Za-z0-9]*)(\(|\s|\?)", RegexOptions.Multiline)]
    public static partial Regex SubRequest();
}

/// <summary>Times the service's calls to the identity provider (inside its resilience pipeline: each attempt).</summary>
internal sealed class ProviderTimer : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            var path = request.RequestUri?.AbsolutePath ?? "";
            var kind = path.EndsWith("/token", StringComparison.Ordinal) ? "token"
                : path.EndsWith("/userinfo", StringComparison.Ordinal) ? "userinfo"
                : path.EndsWith("/certs", StringComparison.Ordinal) ? "jwks"
                : path.Contains("well-known", StringComparison.Ordinal) ? "discovery" : "other";
            if (RequestScope.Current.Value is { Capture: true } scope)
            {
                scope.Provider.Enqueue(new ProviderCall(kind, Stopwatch.GetElapsedTime(started)));
            }
        }
    }
}

/// <summary>
/// Totals of one host: storage requests by unit of work ("login", "callback", "support", …, or
/// "background" for its timers) and table/operation, units of work by label with their server-side
/// time, and the captured details of requests the benchmark asked to see (header <c>X-Bench-Capture</c>).
/// </summary>
internal sealed class HostMeter
{
    public const string Background = "background";
    public const string CaptureHeader = "X-Bench-Capture";

    private readonly ConcurrentDictionary<(string Label, string Key), long> _storage = new();
    private readonly ConcurrentDictionary<string, long> _units = new();
    private readonly ConcurrentDictionary<string, RequestScope> _captured = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _serverMs = new();

    public void Count(string label, string key) => _storage.AddOrUpdate((label, key), 1, (_, n) => n + 1);

    public void Complete(RequestScope scope)
    {
        _units.AddOrUpdate(scope.Label, 1, (_, n) => n + 1);
        _serverMs.GetOrAdd(scope.Label, _ => new ConcurrentQueue<double>()).Enqueue(scope.Elapsed.TotalMilliseconds);
    }

    /// <summary>Server-side times (ms) of the units of work of a label, from the <paramref name="skip"/>th on.</summary>
    public double[] ServerTimes(string label, int skip) =>
        _serverMs.TryGetValue(label, out var times) ? times.Skip(skip).ToArray() : [];

    public int ServerTimeCount(string label) => _serverMs.TryGetValue(label, out var times) ? times.Count : 0;

    public void Keep(string id, RequestScope scope) => _captured[id] = scope;

    /// <summary>
    /// The scope of a captured request. The middleware files it when the request's pipeline returns,
    /// which can be just after the client has read the whole answer: so wait a little for it.
    /// </summary>
    public async Task<RequestScope?> CapturedAsync(string id)
    {
        for (var wait = 0; wait < 2000; wait++)
        {
            if (_captured.TryRemove(id, out var scope))
            {
                return scope;
            }

            await Task.Delay(1);
        }

        return null;
    }

    public Snapshot Take() => new(new Dictionary<(string, string), long>(_storage), new Dictionary<string, long>(_units));

    public sealed record Snapshot(IReadOnlyDictionary<(string Label, string Key), long> Storage, IReadOnlyDictionary<string, long> Units)
    {
        /// <summary>Storage requests by table/operation for the labels given, between two snapshots.</summary>
        public Dictionary<string, long> Since(Snapshot before, params string[] labels)
        {
            var diff = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var ((label, key), n) in Storage)
            {
                if (labels.Contains(label))
                {
                    var delta = n - before.Storage.GetValueOrDefault((label, key));
                    if (delta != 0)
                    {
                        diff[key] = diff.GetValueOrDefault(key) + delta;
                    }
                }
            }

            return diff;
        }

        public long UnitsSince(Snapshot before, string label) => Units.GetValueOrDefault(label) - before.Units.GetValueOrDefault(label);
    }
}

/// <summary>Gives every request to the host its own <see cref="RequestScope"/>, labelled by route.</summary>
internal sealed class ScopeStartupFilter(HostMeter meter) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            var capture = context.Request.Headers[HostMeter.CaptureHeader].ToString();
            var scope = new RequestScope(LabelOf(context.Request.Path.Value ?? ""), capture.Length > 0);
            RequestScope.Current.Value = scope;
            var started = Stopwatch.GetTimestamp();
            try
            {
                await following(context);
            }
            finally
            {
                scope.Elapsed = Stopwatch.GetElapsedTime(started);
                scope.Status = context.Response.StatusCode;
                RequestScope.Current.Value = null;
                meter.Complete(scope);
                if (capture.Length > 0)
                {
                    meter.Keep(capture, scope);
                }
            }
        });
        next(app);
    };

    public static string LabelOf(string path) => path switch
    {
        _ when path.EndsWith("/login", StringComparison.Ordinal) => "login",
        _ when path.EndsWith("/callback", StringComparison.Ordinal) => "callback",
        _ when path.Contains("/support/", StringComparison.Ordinal) => "support",
        _ when path.EndsWith("/reports/uptake", StringComparison.Ordinal) => "report",
        _ when path.EndsWith("/reports", StringComparison.Ordinal) => "dashboard",
        _ => "other",
    };
}
