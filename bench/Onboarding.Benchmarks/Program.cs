using System.Globalization;
using System.Text;
using Onboarding.Benchmarks;

// ./bench.sh runs this; see docs/performance.md. Progress goes to stderr, the table to stdout and --results.
var settings = Settings.Parse(args);
var env = BenchEnvironment.FromVariables();
var startLoad = Benchmark.LoadAverage();
var startedAt = Environment.GetEnvironmentVariable("BENCH_STARTED") is { Length: > 0 } epoch
    ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(epoch, CultureInfo.InvariantCulture))
    : DateTimeOffset.UtcNow;

var report = new Report();
await using (var small = await BenchHost.StartAsync(env, "s" + Benchmark.Size(settings.Small), env.Ports[0]))
await using (var large = await BenchHost.StartAsync(env, "s" + Benchmark.Size(settings.Large), env.Ports[1]))
{
    var benchmark = new Benchmark(env, settings, small, large, report);
    await benchmark.RunAsync();
    benchmark.Finish(startLoad, startedAt);
}

var table = report.Markdown();
Console.Out.Write(table);
if (settings is { Results: { } path, Only: null })
{
    var failed = report.Rows.Where(r => r.Pass == false).Select(r => r.Number).Distinct().ToList();
    var text = new StringBuilder()
        .Append("# Benchmark results\n\n")
        .Append(CultureInfo.InvariantCulture, $"Produced by `{settings.Command}` on {startedAt:yyyy-MM-dd HH:mm} UTC (see docs/performance.md, \"Running the benchmark\"). ")
        .Append("Ratios are measured side by side in the same run; the absolute numbers are context and depend on the machine ")
        .Append("and its load (Azurite, the development provider and the benchmark share its cores).\n\n")
        .Append(table)
        .Append(CultureInfo.InvariantCulture, $"\nGoals not met in this run: {(failed.Count == 0 ? "none" : string.Join(", ", failed.Select(f => "figure " + f)))}.\n");
    await File.WriteAllTextAsync(path, text.ToString());
}
