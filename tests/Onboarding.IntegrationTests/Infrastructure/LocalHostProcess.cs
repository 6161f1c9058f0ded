using System.Diagnostics;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// The local function host (what ./run.sh runs) as a process of its own, configured through its
/// environment as the Functions host configures the app — so that a test can kill it with SIGKILL,
/// mid-request, and start it again on the same port and tables.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _log;
    private Process? _process;

    public LocalHostProcess(int port, IReadOnlyDictionary<string, string> settings, string log)
    {
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _log = log;
        _environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        _environment["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/');
        _environment["DOTNET_ENVIRONMENT"] = "Production";
    }

    public Uri BaseUrl { get; }

    public int Starts { get; private set; }

    /// <summary>The host's build output, next to the tests' (same configuration, same framework).</summary>
    private static string Assembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory); // …/tests/Onboarding.IntegrationTests/bin/Debug/net10.0/
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Onboarding.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(root?.FullName ?? throw new InvalidOperationException("Onboarding.sln not found above " + here.FullName),
            "functions", "Onboarding.LocalHost", "bin", configuration, framework, "Onboarding.LocalHost.dll");
    }

    /// <summary>Starts the process and waits until it answers <c>/api/health</c>.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet", [Assembly()])
        {
            WorkingDirectory = Path.GetTempPath(), // no local.settings.json: only what the environment says
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        Starts++;
        var log = File.AppendText(_log);
        log.AutoFlush = true;
        await log.WriteLineAsync($"--- start {Starts} at {DateTimeOffset.UtcNow:O}, pid {_process.Id}");
        _process.OutputDataReceived += (_, e) => Write(log, e.Data);
        _process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        _process.Exited += (_, _) => log.Dispose();
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the local host exited with {_process.ExitCode} (log: {_log})");
            }

            try
            {
                using var health = await http.GetAsync(new Uri(BaseUrl, "api/health"));
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the local host did not answer within 60 s (log: {_log})");
    }

    /// <summary>SIGKILL: no shutdown, no flush, requests cut wherever they are.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
        catch (ObjectDisposedException)
        {
            // the process is gone and its log closed
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
