using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.Storage;
using Onboarding.Uptake;

namespace Onboarding.Benchmarks;

/// <summary>Sizes and durations; the defaults are what ./bench.sh runs.</summary>
/// <param name="Only">The figures to run (<c>--only 1,5</c>, while working on one); null: all, and only then is --results written.</param>
internal sealed record Settings(int Small, int Large, int Purge, double SecondsPerLevel, string? Results, string Command, IReadOnlySet<string>? Only,
    int Audit = 1_000_000)
{
    public bool Runs(string figure) => Only is null || Only.Contains(figure);

    public static Settings Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Settings(Int("--small", 1_000), Int("--large", 100_000), Int("--purge", 10_000),
            Value("--seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 8, Value("--results"), Value("--command") ?? "./bench.sh",
            Value("--only")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(), Int("--audit", 1_000_000));
    }
}

/// <summary>The figures, measured side by side on two hosts (small and large user stores) in one run.</summary>
internal sealed class Benchmark(BenchEnvironment env, Settings settings, BenchHost small, BenchHost large, Report report)
{
    /// <summary>Demo accounts that sign in (dev/idp/accounts.json): linked early adopter, non-member, support staff, trial.</summary>
    public static readonly string[] Accounts = ["alice", "bob", "carol", "dave"];

    public static readonly int[] Levels = [1, 4, 16, 32, 64];

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private readonly List<string> _memory = [];
    private Seeded _seededSmall = null!;
    private Seeded _seededLarge = null!;

    private string SmallName => Size(settings.Small);
    private string LargeName => Size(settings.Large);

    public static string Size(int users) => users >= 1000 && users % 1000 == 0 ? $"{users / 1000}k" : users.ToString(CultureInfo.InvariantCulture);

    public void Progress(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,5:F0} s] {message}"));

    public async Task RunAsync()
    {
        Progress("warm-up: each account signs in once at each host (tables, provider metadata and keys, partner answers)");
        foreach (var host in new[] { small, large })
        {
            foreach (var account in Accounts)
            {
                if (!await new Browser().SignInAsync(host, account))
                {
                    throw new InvalidOperationException($"warm-up sign-in of {account} at {host.Name} failed: {string.Join("; ", host.Logs.Counts.Keys)}");
                }
            }
        }

        Memory("after start and warm-up");
        await SeedAsync();
        foreach (var (figure, run) in new (string, Func<Task>)[]
        {
            ("·", EmulatorAsync), ("1", CallbackVersusRawAsync), ("2", ThroughputAsync), ("3", SupportLookupAsync), ("4", ReportsAsync),
        })
        {
            if (settings.Runs(figure))
            {
                await run();
            }
        }

        Memory("after figure 4");
        if (settings.Runs("7"))
        {
            await new ExportFigures(env, large, report, Progress, _seededLarge, settings.Audit, _now).RunAsync(LargeName);
            Memory("after figure 7");
        }

        if (settings.Runs("5"))
        {
            await PurgeAsync();
        }
    }

    private async Task SeedAsync()
    {
        Progress($"seeding {SmallName} users");
        _seededSmall = await Seeder.SeedAsync(small, Seeder.Population(env.Issuer, settings.Small, 1, _now), _now, counters: true);
        Progress($"  {Seeder.Describe(_seededSmall)}");
        Progress($"seeding {LargeName} users");
        _seededLarge = await Seeder.SeedAsync(large, Seeder.Population(env.Issuer, settings.Large, 2, _now), _now, counters: true);
        Progress($"  {Seeder.Describe(_seededLarge)}");
        foreach (var (name, s) in new[] { (SmallName, _seededSmall), (LargeName, _seededLarge) })
        {
            report.Add("0", $"seed {name} users (batched upserts, ≤100 entities of one partition, 8 at once)",
                $"{Report.N(s.Entities)} entities ({string.Join(", ", s.EntitiesByTable.Select(kv => $"{kv.Key} {Report.N(kv.Value)}"))}) "
                + $"in {Report.N(s.Transactions)} transactions, {s.Elapsed.TotalSeconds:F0} s = {Report.N(s.Entities / s.Elapsed.TotalSeconds)} entities/s",
                "", "< 120 s", s.Elapsed < TimeSpan.FromMinutes(2));
        }
    }

    // ---- The emulator itself at each size ----

    /// <summary>
    /// Azurite's own answer times at each size, from a bare client: what the service's figures stand on.
    /// Its point reads use an index; its queries evaluate the filter on every entity of the table.
    /// </summary>
    private async Task EmulatorAsync()
    {
        const int rounds = 30;
        Progress("emulator: point reads and key-range queries at each size, bare client");
        var times = new Dictionary<(BenchHost, string), List<double>>();
        for (var i = 0; i < rounds; i++)
        {
            foreach (var host in i % 2 == 0 ? new[] { small, large } : [large, small])
            {
                var ids = host == small ? _seededSmall.SampleUserIds : _seededLarge.SampleUserIds;
                var id = ids[i * 13 % ids.Count];
                var users = host.Table("users");
                await Time(host, "point read", () => users.GetEntityIfExistsAsync<TableEntity>(Onboarding.Users.UserEntity.PartitionOf(BenchHost.Tenant, id), id));
                await Time(host, "outbox query", async () =>
                {
                    await foreach (var _ in users.QueryAsync<TableEntity>(Outbox.Filter(Onboarding.Users.UserEntity.PartitionOf(BenchHost.Tenant, id))))
                    {
                    }
                });
                var partition = Onboarding.Users.UserEntity.PartitionOf(BenchHost.Tenant, id);
                var user = (await users.GetEntityAsync<TableEntity>(partition, id)).Value;
                await Time(host, "write", () => users.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, user, user.ETag),
                    // Outside the outbox's key range ("~o|"), so no drain ever reads it.
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "~zbench") { ["Payload"] = new string('x', 300) }),
                ]));
                if (i % 3 == 0)
                {
                    await Time(host, "month query", () => RawMonthsAsync(host, months: 1));
                }
            }
        }

        string Pair(string what) => $"{Report.Ms(Stats.P50(times[(large, what)]))} vs {Report.Ms(Stats.P50(times[(small, what)]))} "
            + $"({Report.X(Stats.P50(times[(large, what)]) / Stats.P50(times[(small, what)]))})";
        report.Add("·", $"Azurite itself, {LargeName} vs {SmallName} users (bare client, p50): what the figures stand on",
            $"users point read {Pair("point read")}; a user record and a row in one transaction (as the callback writes) {Pair("write")}; "
            + $"a user partition's outbox key-range query {Pair("outbox query")}; "
            + $"one month's uptake counters {Pair("month query")}. Azurite's point reads use an index, its queries scan the whole table "
            + "(Azure Table storage serves a partition's key range from its index)");

        async Task Time(BenchHost host, string what, Func<Task> call)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            var key = (host, what);
            if (!times.TryGetValue(key, out var list))
            {
                times[key] = list = [];
            }

            list.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>The reads of a cold report from a bare client: each month's totals summary row (a point read), the months at once, as UptakeReports does.</summary>
    private static async Task RawMonthsAsync(BenchHost host, int months = 12)
    {
        var uptake = host.Table("uptake");
        await Task.WhenAll(Seeder.ReportPartitions(BenchHost.Tenant, DateTimeOffset.UtcNow).TakeLast(months).Select(partition =>
            uptake.GetEntityIfExistsAsync<TableEntity>(partition, Onboarding.Uptake.UptakeSummaries.Row(Onboarding.Uptake.Dimensions.Total))));
    }

    // ---- 1. A repeat sign-in's callback against its raw calls ----

    private async Task CallbackVersusRawAsync()
    {
        const int iterations = 40, warm = 3;
        Progress($"figure 1: {iterations} repeat sign-ins of alice at {SmallName}, callback vs raw replay");
        var callback = new List<double>();
        var server = new List<double>();
        var inStorage = new List<double>();
        var inProvider = new List<double>();
        var raw = new List<ReplayTimes>();
        RequestScope? last = null;
        for (var i = 0; i < iterations + warm; i++)
        {
            var browser = new Browser();
            var url = await browser.CallbackUrlAsync(small, "alice");
            var live = await Replay.PrepareAsync(small, "alice");
            ReplayTimes? replayed = null;
            if (i % 2 == 1 && last is not null)
            {
                replayed = await Replay.RunAsync(small, env, live, last.Storage); // raw first, with the previous callback's calls
            }

            var id = Guid.NewGuid().ToString("N");
            var started = Stopwatch.GetTimestamp();
            using (var response = await browser.GetAsync(url, captureId: id))
            {
                _ = await response.Content.ReadAsStringAsync();
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"callback answered {(int)response.StatusCode}");
                }

                last = (await small.Meter.CapturedAsync(id)) ?? throw new InvalidOperationException("callback not captured");
                if (i >= warm)
                {
                    callback.Add(elapsed.TotalMilliseconds);
                    server.Add(last.Elapsed.TotalMilliseconds);
                    inStorage.Add(last.Storage.Sum(c => c.Duration.TotalMilliseconds));
                    inProvider.Add(last.Provider.Sum(c => c.Duration.TotalMilliseconds));
                }
            }

            replayed ??= await Replay.RunAsync(small, env, live, last.Storage);
            if (i >= warm)
            {
                raw.Add(replayed);
            }
        }

        var rawTotal = raw.Select(r => r.Total.TotalMilliseconds).ToList();
        var calls = last!.Storage.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => (double)g.Count());
        var ratio = Stats.P50(callback) / Stats.P50(rawTotal);
        report.Add("1", $"repeat sign-in (alice, {SmallName} users): the callback request vs its raw calls replayed",
            $"callback p50 {Report.Ms(Stats.P50(callback))} (p95 {Report.Ms(Stats.P95(callback))}) vs raw p50 {Report.Ms(Stats.P50(rawTotal))} "
            + $"(p95 {Report.Ms(Stats.P95(rawTotal))}), {iterations} each, alternating which goes first.\n"
            + "raw = the same calls one after another from a bare client, no service code between them: the state marked used, "
            + "code exchange and userinfo at the dev provider (with a fresh code and attempt from a second login), then the storage requests "
            + $"the callback sent, replayed through the SDK ({Report.Calls(calls)})",
            Report.X(ratio), "≤ 1.0×", ratio <= 1.0);
        report.Add("1", "… where the callback's time goes (p50, measured inside the service)",
            $"server {Report.Ms(Stats.P50(server))}: storage {Report.Ms(Stats.P50(inStorage))} ({last.Storage.Count} requests; the record's read runs beside userinfo), "
            + $"provider {Report.Ms(Stats.P50(inProvider))} ({string.Join(" + ", last.Provider.Select(p => p.Kind))}), "
            + $"the rest {Report.Ms(Stats.P50(server) - Stats.P50(inStorage) - Stats.P50(inProvider))} (ID token check, status, cookies, JSON; less the overlap); "
            + $"raw: storage {Report.Ms(Stats.P50(raw.Select(r => r.Storage.TotalMilliseconds).ToList()))}, "
            + $"provider {Report.Ms(Stats.P50(raw.Select(r => r.Provider.TotalMilliseconds).ToList()))}");
    }

    // ---- 2. End-to-end sign-ins at increasing concurrency ----

    private sealed record LevelResult(int Concurrency, int Ok, int Errors, double Seconds, List<double> Latencies, List<double> Server,
        Dictionary<string, long> Path)
    {
        public double ServerP50 => Stats.P50(Server);

        public static LevelResult Combine(IReadOnlyList<LevelResult> parts) => new(parts[0].Concurrency, parts.Sum(p => p.Ok),
            parts.Sum(p => p.Errors), parts.Sum(p => p.Seconds), parts.SelectMany(p => p.Latencies).ToList(), parts.SelectMany(p => p.Server).ToList(),
            parts.SelectMany(p => p.Path).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)));

        public double Rate => Ok / Seconds;

        public double PerSignIn(string? key = null) => (key is null ? Path.Values.Sum() : Path.GetValueOrDefault(key)) / (double)Math.Max(1, Ok);
    }

    private async Task ThroughputAsync()
    {
        Progress($"figure 2: sign-ins at c{string.Join("/c", Levels)}, {settings.SecondsPerLevel:F0} s each, {SmallName} and {LargeName} alternating");
        foreach (var host in new[] { small, large })
        {
            await LevelAsync(host, 4, TimeSpan.FromSeconds(3)); // warm: JIT, connection pools
            await host.Get<UptakeDrain>().RunAsync(CancellationToken.None); // and what the sign-ins so far left to count
        }

        _drain.Clear();
        var results = new Dictionary<BenchHost, List<LevelResult>> { [small] = [], [large] = [] };
        var before = new Dictionary<BenchHost, HostMeter.Snapshot> { [small] = small.Meter.Take(), [large] = large.Meter.Take() };
        for (var i = 0; i < Levels.Length; i++)
        {
            // Two halves per size, A B B A: a change of the machine's load during the level falls on both sizes alike.
            var halves = new Dictionary<BenchHost, List<LevelResult>> { [small] = [], [large] = [] };
            foreach (var host in i % 2 == 0 ? new[] { small, large, large, small } : [large, small, small, large])
            {
                halves[host].Add(await LevelAsync(host, Levels[i], TimeSpan.FromSeconds(settings.SecondsPerLevel / 2)));
                await DrainAsync(host);
            }

            foreach (var host in new[] { small, large })
            {
                var result = LevelResult.Combine(halves[host]);
                results[host].Add(result);
                Progress($"  {host.Name} c{result.Concurrency}: {result.Rate:F1}/s, p95 {Stats.P95(result.Latencies):F0} ms, {result.Errors} errors");
            }
        }


        for (var i = 0; i < Levels.Length; i++)
        {
            var (s, l) = (results[small][i], results[large][i]);
            var ratio = l.Rate / s.Rate;
            report.Add("2", $"sign-ins/s end to end at c{Levels[i]} (login → provider → callback, new cookie jar each, {string.Join("/", Accounts)})",
                $"{SmallName}: {s.Rate:F1}/s, p95 {Report.Ms(Stats.P95(s.Latencies))}, {s.Errors} errors; "
                + $"{LargeName}: {l.Rate:F1}/s, p95 {Report.Ms(Stats.P95(l.Latencies))}, {l.Errors} errors. "
                + $"Time in the service (login + callback, p50/p95): {Report.Ms(s.ServerP50)}/{Report.Ms(Stats.P95(s.Server))} vs "
                + $"{Report.Ms(l.ServerP50)}/{Report.Ms(Stats.P95(l.Server))}; "
                + $"storage requests per sign-in {s.PerSignIn():F1} vs {l.PerSignIn():F1}, of them users batch {s.PerSignIn("users batch"):F2} vs "
                + $"{l.PerSignIn("users batch"):F2} (above 1: ETag races of one person's concurrent sign-ins, retried)",
                $"{LargeName}/{SmallName} {Report.X(ratio)}", $"0 errors; {LargeName} ≥ 0.8× {SmallName}", s.Errors == 0 && l.Errors == 0 && ratio >= 0.8);
        }

        foreach (var host in new[] { small, large })
        {
            var (c4, c32) = (results[host][Array.IndexOf(Levels, 4)], results[host][Array.IndexOf(Levels, 32)]);
            report.Add("2", $"c32 vs c4 sign-ins/s at {host.Name[1..]} users", $"c32 {c32.Rate:F1}/s vs c4 {c4.Rate:F1}/s",
                Report.X(c32.Rate / c4.Rate), "c32 ≥ c4", c32.Rate >= c4.Rate);
        }

        foreach (var host in new[] { small, large })
        {
            var after = host.Meter.Take();
            var signIns = results[host].Sum(r => r.Ok);
            var path = after.Since(before[host], "login", "callback").ToDictionary(kv => kv.Key, kv => (double)kv.Value / signIns);
            var background = after.Since(before[host], HostMeter.Background).ToDictionary(kv => kv.Key, kv => (double)kv.Value / signIns);
            var c1 = results[host][0];
            report.Add("6", $"storage requests per sign-in by table and operation, {host.Name[1..]} users",
                $"on the request path (login + callback) at c1: {Report.Calls(c1.Path.ToDictionary(kv => kv.Key, kv => c1.PerSignIn(kv.Key)), 2)}; "
                + $"over all of figure 2's {Report.N(signIns)} sign-ins: {Report.Calls(path, 2)}; "
                + $"off the request path (the uptake drain, run after each half level: {Report.N(_drain[host].Rows)} outbox rows in "
                + $"{_drain[host].Seconds:F1} s = {Report.Ms(1000 * _drain[host].Seconds / signIns)} a sign-in): {Report.Calls(background, 2)}");
        }
    }

    private readonly Dictionary<BenchHost, (double Seconds, int Rows)> _drain = [];

    /// <summary>The uptake drain of one host, as its 15-second timer would run it: timed, its requests counted as background.</summary>
    private async Task DrainAsync(BenchHost host)
    {
        var started = Stopwatch.GetTimestamp();
        var rows = await host.Get<UptakeDrain>().RunAsync(CancellationToken.None);
        var (seconds, total) = _drain.GetValueOrDefault(host);
        _drain[host] = (seconds + Stopwatch.GetElapsedTime(started).TotalSeconds, total + rows);
    }

    private static async Task<LevelResult> LevelAsync(BenchHost host, int concurrency, TimeSpan duration)
    {
        var snapshot = host.Meter.Take();
        var serverBefore = host.Meter.ServerTimeCount("callback");
        var loginBefore = host.Meter.ServerTimeCount("login");
        var latencies = new List<double>();
        var (ok, errors, next) = (0, 0, 0);
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var account = Accounts[Interlocked.Increment(ref next) % Accounts.Length];
                var t = Stopwatch.GetTimestamp();
                bool success;
                try
                {
                    success = await new Browser().SignInAsync(host, account);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    success = false;
                }

                var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                lock (latencies)
                {
                    if (success)
                    {
                        ok++;
                        latencies.Add(ms);
                    }
                    else
                    {
                        errors++;
                    }
                }
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // A sign-in's time in the service: its login and callback requests (in the order they completed, paired).
        var callbackServer = host.Meter.ServerTimes("callback", serverBefore);
        var loginServer = host.Meter.ServerTimes("login", loginBefore);
        var server = callbackServer.Zip(loginServer, (c, l) => c + l).ToList();
        return new LevelResult(concurrency, ok, errors, seconds, latencies, server, host.Meter.Take().Since(snapshot, "login", "callback"));
    }

    // ---- 3. Support look-up by email ----

    private async Task SupportLookupAsync()
    {
        const int lookups = 100, warm = 5;
        Progress($"figure 3: {lookups} support look-ups by email at each size (GET …/support/users?email=, carol's bearer token)");
        var token = await DevProvider.AccessTokenAsync(env, "carol");
        var times = new Dictionary<BenchHost, List<double>> { [small] = [], [large] = [] };
        var calls = new Dictionary<BenchHost, Dictionary<string, double>> { [small] = [], [large] = [] };
        for (var i = 0; i < lookups + warm; i++)
        {
            foreach (var host in i % 2 == 0 ? new[] { small, large } : [large, small])
            {
                var emails = host == small ? _seededSmall.SampleEmails : _seededLarge.SampleEmails;
                var email = emails[i * 7 % emails.Count];
                var url = new Uri(host.BaseUrl, $"api/tenants/{BenchHost.Tenant}/support/users?email={Uri.EscapeDataString(email)}");
                var (ms, scope, body) = await TimedGetAsync(host, url, token, "application/json");
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.GetProperty("users").GetArrayLength() != 1)
                {
                    throw new InvalidOperationException($"look-up of a seeded address found {json.RootElement.GetProperty("users").GetArrayLength()} users");
                }

                if (i >= warm)
                {
                    times[host].Add(ms);
                    foreach (var c in scope.Storage)
                    {
                        calls[host][c.Key] = calls[host].GetValueOrDefault(c.Key) + 1.0 / lookups;
                    }
                }
            }
        }

        var ratio = Stats.P50(times[large]) / Stats.P50(times[small]);
        report.Add("3", $"support look-up by email, {LargeName} vs {SmallName} users (the HTTP route with carol's bearer token, answers of the "
                + "bearer cache within its minute; sequential, interleaved)",
            $"p50 {Report.Ms(Stats.P50(times[large]))} vs {Report.Ms(Stats.P50(times[small]))} (p95 {Report.Ms(Stats.P95(times[large]))} vs "
            + $"{Report.Ms(Stats.P95(times[small]))}), {lookups} each; storage per look-up: {LargeName} {Report.Calls(calls[large], 2)}; "
            + $"{SmallName} {Report.Calls(calls[small], 2)}",
            Report.X(ratio), "≤ 1.2×", ratio <= 1.2);
    }

    private static async Task<(double Ms, RequestScope Scope, string Body)> TimedGetAsync(BenchHost host, Uri url, string token, string accept)
    {
        var id = Guid.NewGuid().ToString("N");
        var started = Stopwatch.GetTimestamp();
        using var response = await new Browser().GetAsync(url, captureId: id, bearer: token, accept: accept);
        var body = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{url.AbsolutePath} answered {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
        }

        return (ms, (await host.Meter.CapturedAsync(id)) ?? throw new InvalidOperationException("request not captured"), body);
    }

    // ---- 4. The 12-month report and the dashboard ----

    private async Task ReportsAsync()
    {
        const int reads = 20, warm = 2;
        Progress($"figure 4: 12-month uptake report and dashboard, cold and warm, {reads} of each at each size (olivia's bearer token)");
        var token = await DevProvider.AccessTokenAsync(env, "olivia");
        foreach (var host in new[] { small, large })
        {
            // As the timer does every 15 s: the dashboard's kept top lists are rebuilt when due.
            await host.Get<UptakeDrain>().RunAsync(CancellationToken.None);
        }

        var targets = new (string Name, string Path, string Accept)[]
        {
            ("12-month uptake report (JSON)", $"api/tenants/{BenchHost.Tenant}/reports/uptake", "application/json"),
            ("dashboard page (totals, by country, by institution)", $"api/tenants/{BenchHost.Tenant}/reports", "text/html"),
        };
        // What a month's summary rows hold: the values of each dimension (one row per dimension, whatever their number).
        var rows = new Dictionary<string, double>(StringComparer.Ordinal);
        var composition = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var host in new[] { small, large })
        {
            await foreach (var row in host.Table("uptake").QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey ge {BenchHost.Tenant + "_"} and PartitionKey lt {BenchHost.Tenant + "`"} and RowKey ge {"s|"} and RowKey lt {"s}"}")))
            {
                var values = Onboarding.Uptake.UptakeSummaries.Read(row).Count;
                rows[host.Name] = rows.GetValueOrDefault(host.Name) + values / 12.0;
                if (host == large)
                {
                    composition[row.RowKey[2..] + " values"] = composition.GetValueOrDefault(row.RowKey[2..] + " values") + values / 12.0;
                }
            }
        }

        var makeUp = string.Join(", ", composition.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {Report.N(kv.Value)}"));

        foreach (var (name, path, accept) in targets)
        {
            var cold = new Dictionary<BenchHost, List<double>> { [small] = [], [large] = [] };
            var hot = new Dictionary<BenchHost, List<double>> { [small] = [], [large] = [] };
            var requests = new Dictionary<BenchHost, List<int>> { [small] = [], [large] = [] };
            var raw = new Dictionary<BenchHost, List<double>> { [small] = [], [large] = [] };
            for (var i = 0; i < reads + warm; i++)
            {
                foreach (var host in i % 2 == 0 ? new[] { small, large } : [large, small])
                {
                    host.Get<UptakeReports>().Invalidate(Seeder.ReportPartitions(BenchHost.Tenant, DateTimeOffset.UtcNow));
                    var (coldMs, scope, _) = await TimedGetAsync(host, new Uri(host.BaseUrl, path), token, accept);
                    var (warmMs, warmScope, _) = await TimedGetAsync(host, new Uri(host.BaseUrl, path), token, accept);
                    var rawStarted = Stopwatch.GetTimestamp();
                    if (path.EndsWith("/uptake", StringComparison.Ordinal))
                    {
                        await RawMonthsAsync(host);
                    }

                    var rawMs = Stopwatch.GetElapsedTime(rawStarted).TotalMilliseconds;
                    if (i >= warm)
                    {
                        raw[host].Add(rawMs);
                        cold[host].Add(coldMs);
                        hot[host].Add(warmMs);
                        requests[host].Add(scope.Storage.Count + 1000 * warmScope.Storage.Count);
                    }
                }
            }

            var ratio = Stats.P50(cold[large]) / Stats.P50(cold[small]);
            report.Add("4", $"{name}, cold (months invalidated first): {LargeName} vs {SmallName} users",
                $"p50 {Report.Ms(Stats.P50(cold[large]))} vs {Report.Ms(Stats.P50(cold[small]))} (p95 {Report.Ms(Stats.P95(cold[large]))} vs "
                + $"{Report.Ms(Stats.P95(cold[small]))}), {reads} each; warm (30 s cache) p50 {Report.Ms(Stats.P50(hot[large]))} vs {Report.Ms(Stats.P50(hot[small]))}"
                + (path.EndsWith("/uptake", StringComparison.Ordinal)
                    ? $"; its 12 month reads alone from a bare client (in parallel, as the service reads them) p50 {Report.Ms(Stats.P50(raw[large]))} vs "
                        + $"{Report.Ms(Stats.P50(raw[small]))} ({Report.X(Stats.P50(raw[large]) / Stats.P50(raw[small]))})"
                    : ""),
                Report.X(ratio), "≤ 1.2×", ratio <= 1.2);
            var (l, s) = (requests[large].Max() % 1000, requests[small].Max() % 1000);
            var (lw, sw) = (requests[large].Max() / 1000, requests[small].Max() / 1000);
            report.Add("4", $"{name}: storage requests of a cold read, {LargeName} vs {SmallName} users",
                $"{l} vs {s} (summary rows, one point read per month and dimension; the dashboard's top lists one kept row each; the dimensions' values a month: {Report.N(rows.GetValueOrDefault(large.Name))} vs "
                + $"{Report.N(rows.GetValueOrDefault(small.Name))} on average; at {LargeName}: {makeUp}); warm reads: {lw} vs {sw}",
                Report.X((double)l / s), "equal", l == s);
        }
    }

    // ---- 5. Retention purge against a raw batch delete ----

    /// <remarks>
    /// At the small host: the purge drains each erased user's outbox first, a key-range query of the users
    /// table, and Azurite answers every query by scanning the whole table (its point reads use an index), so
    /// among 100k users the 10k queries alone would take minutes of the emulator's one thread.
    /// </remarks>
    /// <summary>The markers the purge deletes for these records (UptakeMarkers.ForgetManyAsync's list): sign-up and the stages reached.</summary>
    private List<ITableEntity> MarkersOf(IEnumerable<Onboarding.Users.UserEntity> users)
    {
        var tenant = small.Get<Onboarding.Tenants.TenantCatalog>().Get(BenchHost.Tenant);
        var pseudonyms = small.Get<Pseudonymizer>();
        return users.SelectMany(u =>
        {
            var record = u.ToRecord();
            var hash = Onboarding.Uptake.UptakeHash.Of(pseudonyms, record.UserId, record.Life);
            var partition = UptakeKeys.MarkerPartition(UptakeKeys.Partition(tenant.Id, record.FirstSignInAt), hash);
            var stages = UptakePlanner.Stages(tenant, record.Status).Prepend(Metrics.SignUps);
            if (record.Status.ReadyAt is not null)
            {
                stages = stages.Append("days");
            }

            return stages.Select(stage => (ITableEntity)new MarkerEntity { PartitionKey = partition, RowKey = UptakeKeys.StageMarker(hash, stage), EventId = "seeded" });
        }).ToList();
    }

    private async Task PurgeAsync()
    {
        Progress($"figure 5: seeding {Report.N(settings.Purge)} expired users at {SmallName}, purging them");
        var expired = Seeder.Population(env.Issuer, settings.Purge, 3, _now, expired: true);
        var seeded = await Seeder.SeedAsync(small, expired, _now, counters: false);
        var rows = expired.Select(p => Seeder.Rows(p, BenchHost.Tenant, env.Issuer, small.Get<EmailIndex>())).ToList();
        // Each record with its search index rows (institution, country), which the purge deletes with it.
        var records = rows.SelectMany(r => Seeder.IndexRows(r.User).Prepend(r.User)).ToList();
        // Their uptake markers too, as every counted person has them: what the records say exists.
        var markers = MarkersOf(rows.Select(r => r.User));
        await Seeder.WriteAsync(small, [("uptakemarkers", markers)]);
        var before = small.Meter.Take();
        var started = Stopwatch.GetTimestamp();
        var (result, scope) = await RequestScope.RunAsync(small.Meter, "purge", () => small.Get<RetentionPurge>().RunAsync(CancellationToken.None));
        var purgeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var purgeCalls = small.Meter.Take().Since(before, "purge").ToDictionary(kv => kv.Key, kv => (double)kv.Value / Math.Max(1, result.Erased));
        Progress($"  purge: {result.Erased} erased in {purgeSeconds:F0} s; raw batch delete of the same entities");

        await Seeder.SeedAsync(small, expired, _now, counters: false);
        await Seeder.WriteAsync(small, [("uptakemarkers", markers)]);
        started = Stopwatch.GetTimestamp();
        await TableBatches.DeleteAsync(small.Table("users"), records, CancellationToken.None);
        await TableBatches.DeleteAsync(small.Table("emailindex"), rows.Select(r => r.Email), CancellationToken.None);
        await TableBatches.DeleteAsync(small.Table("expiries"), rows.Select(r => r.Expiry), CancellationToken.None);
        await TableBatches.DeleteAsync(small.Table("uptakemarkers"), markers, CancellationToken.None);
        var rawSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // The floor: what no purge can skip, from a bare client — the point reads the ETags come from
        // (each record and its email row, 32 at a time each, side by side, as the purge reads them),
        // then the same raw batch delete.
        await Seeder.SeedAsync(small, expired, _now, counters: false);
        await Seeder.WriteAsync(small, [("uptakemarkers", markers)]);
        started = Stopwatch.GetTimestamp();
        var (usersTable, emailTable) = (small.Table("users"), small.Table("emailindex"));
        await Task.WhenAll(
            Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (r, ct) => await usersTable.GetEntityIfExistsAsync<TableEntity>(r.User.PartitionKey, r.User.RowKey, cancellationToken: ct)),
            Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (r, ct) => await emailTable.GetEntityIfExistsAsync<TableEntity>(r.Email.PartitionKey, r.Email.RowKey, cancellationToken: ct)));
        var readSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await TableBatches.DeleteAsync(small.Table("users"), records, CancellationToken.None);
        await TableBatches.DeleteAsync(small.Table("emailindex"), rows.Select(r => r.Email), CancellationToken.None);
        await TableBatches.DeleteAsync(small.Table("expiries"), rows.Select(r => r.Expiry), CancellationToken.None);
        await TableBatches.DeleteAsync(small.Table("uptakemarkers"), markers, CancellationToken.None);
        var floorSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var perUser = 2.0 + (double)(records.Count + markers.Count) / settings.Purge;
        var entities = perUser * settings.Purge;
        var transactions = new[] { records.Select(r => r.PartitionKey), rows.Select(r => r.Email.PartitionKey), rows.Select(r => r.Expiry.PartitionKey) }
            .Sum(keys => keys.GroupBy(k => k, StringComparer.Ordinal).Sum(g => (g.Count() + 99) / 100));
        transactions += markers.GroupBy(m => m.PartitionKey, StringComparer.Ordinal).Sum(g => (g.Count() + 99) / 100);
        var (purgeRate, rawRate) = (perUser * result.Erased / purgeSeconds, entities / rawSeconds);
        report.Add("5", $"purge of {Report.N(settings.Purge)} expired users among {SmallName} live users (RetentionPurge.RunAsync) vs a raw batch delete "
                + "(TableBatches.DeleteAsync, table by table) of the same user, email-index, expiry and uptake-marker entities",
            $"purge {Report.N(purgeRate)} entities/s ({Report.N(result.Erased)} users erased = {Report.N(perUser * result.Erased)} entities in {purgeSeconds:F1} s) "
            + $"vs raw {Report.N(rawRate)} entities/s ({Report.N(entities)} in {Report.N(transactions)} transactions, {rawSeconds:F1} s); "
            + $"seeding them: {seeded.Elapsed.TotalSeconds:F0} s",
            Report.X(purgeRate / rawRate), "≥ 0.8×", purgeRate / rawRate >= 0.8 && result.Erased == settings.Purge);
        var floorRate = entities / floorSeconds;
        report.Add("5", "… the same purge vs its floor: the point reads no safe purge can skip (each record, for the ETag that keeps a person who signs in "
                + "meanwhile, and its email row, which another identity may share), from a bare client, then the same raw batch delete",
            $"purge {Report.N(purgeRate)} entities/s vs floor {Report.N(floorRate)} entities/s ({Report.N(2 * rows.Count)} reads in {readSeconds:F1} s, "
            + $"then the delete, {floorSeconds:F1} s in all). Azurite answers requests on one thread: the reads, not the purge's code, "
            + "keep it from the raw delete's rate",
            Report.X(purgeRate / floorRate), "≥ 0.8×", purgeRate / floorRate >= 0.8 && result.Erased == settings.Purge);
        report.Add("5", "… the purge's storage requests per erased user (RetentionPurge: chunks of 2,000; records and email rows read side by side, 32 at a time each)",
            $"{Report.Calls(purgeCalls, 2)}; {100.0 * scope.Failed / Math.Max(1, scope.Requests):F0}% of them answered 404 (nothing there to delete)");
    }

    /// <summary>GC heap after a full collection and the process's working set, now.</summary>
    private void Memory(string when)
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: false) / 1048576.0;
        using var process = Process.GetCurrentProcess();
        _memory.Add($"{when}: GC heap {Report.N(heap)} MiB, working set {Report.N(process.WorkingSet64 / 1048576.0)} MiB");
    }

    public void Finish(string startLoad, DateTimeOffset startedAt)
    {
        Memory("at the end");
        using var process = Process.GetCurrentProcess();
        report.Add("6", "memory of the service: the benchmark process, which hosts both services and the load generator (GC heap after a full collection)",
            string.Join("; ", _memory) + $"; peak working set {Report.N(process.PeakWorkingSet64 / 1048576.0)} MiB, GC heap committed at the end "
            + $"{Report.N(GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0)} MiB");
        var warnings = small.Logs.Total + large.Logs.Total;
        report.Add("", "warnings and errors the service logged", warnings == 0 ? "none"
            : string.Join("; ", small.Logs.Counts.Concat(large.Logs.Counts).GroupBy(kv => kv.Key).OrderByDescending(g => g.Sum(kv => kv.Value))
                .Take(5).Select(g => $"{g.Sum(kv => kv.Value)}× {g.Key}")));
        var elapsed = DateTimeOffset.UtcNow - startedAt;
        report.Add("", "run", string.Create(CultureInfo.InvariantCulture,
            $"{startedAt:yyyy-MM-dd HH:mm} UTC, `{settings.Command}`, {elapsed.TotalMinutes:F1} min from the command's start "
            + $"(measuring {_clock.Elapsed.TotalMinutes:F1} min); load average (1/5/15 min) {startLoad} at the start, "
            + $"{LoadAverage()} at the end; {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release, Azurite in memory"));
    }

    public static string LoadAverage() => string.Join('/', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
