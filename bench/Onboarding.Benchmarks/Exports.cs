using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using Onboarding.Staff;
using Onboarding.Uptake;
using Onboarding.Users;

namespace Onboarding.Benchmarks;

/// <summary>
/// Figure 7: the staff's exports and the audit log at size (the large host's users, and a year of
/// audit entries seeded beside them), each side by side with a raw query of the same rows from a bare
/// client: the whole download against the raw read, the time to the first byte, and the peak of the
/// process's GC heap while it ran (the service is hosted in the benchmark's process).
/// </summary>
internal sealed class ExportFigures(BenchEnvironment env, BenchHost host, Report report, Action<string> progress, Seeded users,
    int auditEntries, DateTimeOffset now)
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromMinutes(15),
    };

    private static readonly (string Action, double Share)[] Actions = [("search", 0.55), ("view", 0.35), ("export", 0.05), ("recheck", 0.04), ("erase", 0.01)];

    private const string Tenant = BenchHost.Tenant;

    /// <summary>Now to the second, as the windows go into the query string (so the raw reads cover exactly the same entries).</summary>
    private readonly DateTimeOffset _now = new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    public async Task RunAsync(string usersName)
    {
        var seeding = await SeedAuditAsync();
        report.Add("7", $"seed {Report.N(auditEntries)} audit entries at {usersName} users (12 months; actions: search 55%, view 35%, export 5%, "
            + "re-check 4%, erase 1%; batched upserts)", $"{seeding.TotalSeconds:F0} s = {Report.N(auditEntries / seeding.TotalSeconds)} entities/s");
        var (carol, olivia) = (await DevProvider.AccessTokenAsync(env, "carol"), await DevProvider.AccessTokenAsync(env, "olivia"));

        await CompareAsync($"search CSV, country DE at {usersName} users (GET support/users?country=DE&format=csv, carol's token) vs the same "
                + "records read raw: each of the 16 partitions queried with the country as a filter, 8 at a time, rows counted",
            new Uri(host.BaseUrl, $"api/tenants/{Tenant}/support/users?country=DE&format=csv"), carol, runs: 3,
            async () => await CountAsync(UserSearch.Scan(host.Table("users"), Tenant, SearchField.Country, "DE", CancellationToken.None)));

        foreach (var days in new[] { 7, 30 })
        {
            var (from, to) = (_now.AddDays(-days), _now);
            await CompareAsync($"audit CSV, the last {days} days of the {Report.N(auditEntries)} (GET support/audit?format=csv, olivia's token) vs the same "
                    + "entries read raw: each month's key range of the window, 1,000 a page, rows counted",
                new Uri(host.BaseUrl, $"api/tenants/{Tenant}/support/audit?format=csv&from={Iso(from)}&to={Iso(to)}"), olivia, runs: 2,
                () => RawAuditAsync(from, to, null));
        }

        var partitions = Seeder.ReportPartitions(Tenant, now).ToList();
        await CompareAsync($"uptake CSV by institution, 12 months (GET reports/uptake?by=institution&format=csv, cold) vs its {partitions.Count * 2} summary rows "
                + "read raw (point reads, side by side) and decoded into counts with the service's own decoder (SummaryCounts), nothing else",
            new Uri(host.BaseUrl, $"api/tenants/{Tenant}/reports/uptake?by=institution&format=csv"), olivia, runs: 7,
            async () => (await ReadSummaryRowsAsync(partitions)).Sum(r => (long)SummaryCounts.Read(r).Count),
            before: () => host.Get<UptakeReports>().Invalidate(partitions));

        var reports = host.Get<UptakeReports>();
        var tenant = host.Get<Onboarding.Tenants.TenantCatalog>().Get(Tenant);
        var query = ReportQuery.Parse(null, null, "institution", DateTimeOffset.UtcNow);
        var (inProcess, readsAlone, generic) = (new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < 6; i++)
        {
            reports.Invalidate(partitions);
            inProcess.Add(await TimeAsync(() => reports.ReadAsync(tenant, query, CancellationToken.None)));
            readsAlone.Add(await TimeAsync(() => ReadSummaryRowsAsync(partitions)));
            generic.Add(await TimeAsync(async () => (await ReadSummaryRowsAsync(partitions)).Sum(r => UptakeSummaries.Read(r).Count)));
        }

        report.Add("7", "… where the uptake CSV's time goes (p50, cold): the report read in the process (UptakeReports.ReadAsync: the rows, each value's counts, "
                + "the order); the same rows read alone, undecoded; and decoded with System.Text.Json into dictionaries, as the drain reads them",
            $"report read {Report.Ms(Stats.P50(inProcess.Skip(1).ToList()))}; reads alone {Report.Ms(Stats.P50(readsAlone.Skip(1).ToList()))}; "
            + $"reads and generic decoding {Report.Ms(Stats.P50(generic.Skip(1).ToList()))}. The rest of the download is writing "
            + $"{Report.N(20_000)}-odd rows and the HTTP answer");

        await AuditPagesAsync(olivia);
    }

    /// <summary>The twelve months' totals and institution summary rows, point reads side by side, from a bare client.</summary>
    private async Task<List<TableEntity>> ReadSummaryRowsAsync(IReadOnlyList<string> partitions)
    {
        var uptake = host.Table("uptake");
        var rows = await Task.WhenAll(partitions.SelectMany(p => new[] { Dimensions.Total, Dimensions.Institution }
            .Select(d => uptake.GetEntityIfExistsAsync<TableEntity>(p, UptakeSummaries.Row(d)))));
        return rows.Where(r => r.HasValue).Select(r => r.Value!).ToList();
    }

    private static async Task<(double Ms, long Rows)> TimedAsync(Func<Task<long>> raw)
    {
        var started = Stopwatch.GetTimestamp();
        var rows = await raw();
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, rows);
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        _ = await call();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>A download and its raw read, interleaved (which goes first turned every run), <paramref name="runs"/> times; the medians side by side.</summary>
    private async Task CompareAsync(string figure, Uri url, string token, int runs, Func<Task<long>> raw, Action? before = null)
    {
        progress($"figure 7: {figure[..figure.IndexOf('(', StringComparison.Ordinal)].Trim()}");
        var (downloads, raws) = (new List<Download>(), new List<(double Ms, long Rows)>());
        before?.Invoke();
        await DownloadAsync(url, token); // warm: the code paths compiled, connections open
        for (var i = 0; i < runs; i++)
        {
            var rawFirst = i % 2 == 1; // turned every run, so that drift lands on both alike
            if (rawFirst)
            {
                raws.Add(await TimedAsync(raw));
            }

            before?.Invoke();
            downloads.Add(await DownloadAsync(url, token));
            if (!rawFirst)
            {
                raws.Add(await TimedAsync(raw));
            }
        }

        var (total, rawMs) = (Stats.P50(downloads.Select(d => d.TotalMs).ToList()), Stats.P50(raws.Select(r => r.Ms).ToList()));
        var ratio = total / rawMs;
        report.Add("7", figure,
            $"download p50 {Report.Ms(total)} ({Report.N(downloads[^1].Rows)} rows, {Report.N(downloads[^1].Bytes / 1048576.0, 1)} MiB) vs raw {Report.Ms(rawMs)} "
            + $"({Report.N(raws[^1].Rows)} {(figure.StartsWith("uptake", StringComparison.Ordinal) ? "values" : "rows")}); first byte after "
            + $"{Report.Ms(downloads.Max(d => d.FirstByteMs))} at most; GC heap peak while downloading {Report.N(downloads.Max(d => d.PeakMiB), 1)} MiB above "
            + $"its start; {runs} runs",
            Report.X(ratio), "≤ 1.2×, first byte ≤ 1 s", ratio <= 1.2 && downloads.Max(d => d.FirstByteMs) <= 1000);
    }

    private sealed record Download(double TotalMs, double FirstByteMs, double PeakMiB, long Rows, long Bytes);

    /// <summary>Reads the answer as it streams (nothing kept), with the process's GC heap sampled meanwhile.</summary>
    private static async Task<Download> DownloadAsync(Uri url, string token)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var baseline = GC.GetTotalMemory(false);
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{url.AbsolutePath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var (lines, bytes, first) = (0L, 0L, double.NaN);
        for (int n; (n = await body.ReadAsync(buffer)) > 0;)
        {
            first = double.IsNaN(first) ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : first;
            lines += buffer.AsSpan(0, n).Count((byte)'\n');
            bytes += n;
        }

        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await sampling.CancelAsync();
        await sampler;
        return new Download(total, first, (peak - baseline) / 1048576.0, lines - 1, bytes);
    }

    private static async Task<long> CountAsync<T>(IAsyncEnumerable<T> rows)
    {
        var n = 0L;
        await foreach (var _ in rows)
        {
            n++;
        }

        return n;
    }

    /// <summary>The window's entries read raw: each month's key range (<see cref="AuditTrail.WindowFilter"/>), newest first, rows counted.</summary>
    private async Task<long> RawAuditAsync(DateTimeOffset from, DateTimeOffset to, string? extraFilter)
    {
        var audit = host.Table("audit");
        var n = 0L;
        for (var month = AuditTrail.MonthOf(to); month >= AuditTrail.MonthOf(from); month = month.AddMonths(-1))
        {
            await foreach (var _ in audit.QueryAsync<TableEntity>(AuditTrail.WindowFilter(Tenant, month, from, to) + extraFilter, maxPerPage: 1000))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>
    /// The audit log page by page with a filter (erasures: 1% of the entries) over 12 months. Each page
    /// is measured beside its raw read — the same storage page of the same query, from the page's own
    /// continuation, from a bare client — and its floor — that read, then a point read of the address
    /// of each user it names — the three interleaved, their order turned every page, so that drift
    /// (Azurite settling after the seeding) lands on all three alike.
    /// </summary>
    private async Task AuditPagesAsync(string token)
    {
        const int pages = 12;
        progress("figure 7: the audit log, 12 pages of erasures over 12 months");
        var (from, to) = (_now.AddDays(-365), _now);
        var url = $"api/tenants/{Tenant}/support/audit?action=erase&from={Iso(from)}&to={Iso(to)}";
        var (times, raws, floors, requests, found) = (new List<double>(), new List<double>(), new List<double>(), new List<int>(), 0);
        string? continuation = null;
        for (var i = 0; i < pages; i++)
        {
            var at = continuation;
            var id = Guid.NewGuid().ToString("N");
            var page = async () =>
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await new Browser().GetAsync(new Uri(host.BaseUrl, url + (at is null ? "" : "&continuation=" + Uri.EscapeDataString(at))),
                    captureId: id, bearer: token);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                found += json.RootElement.GetProperty("entries").GetArrayLength();
                continuation = json.RootElement.GetProperty("continuation").GetString();
            };
            var raw = async () => raws.Add(await TimeAsync(() => RawAuditPageAsync(from, to, at, nameUsers: false)));
            var floor = async () => floors.Add(await TimeAsync(() => RawAuditPageAsync(from, to, at, nameUsers: true)));
            foreach (var step in (i % 3) switch { 0 => new[] { page, raw, floor }, 1 => [raw, floor, page], _ => [floor, page, raw] })
            {
                await step();
            }

            requests.Add((await host.Meter.CapturedAsync(id))?.Storage.Count(c => c.Table.EndsWith("audit", StringComparison.Ordinal)) ?? -1);
        }

        var (p50, raw50, floor50) = (Stats.P50(times), Stats.P50(raws), Stats.P50(floors));
        report.Add("7", $"audit log, {pages} pages of 100 erasures over 12 months of the {Report.N(auditEntries)} (GET support/audit?action=erase, JSON, users named) "
                + "vs its floor: the same storage page of the same query from the page's continuation, then a point read of the address of each user it "
                + "names (the page shows their email), from a bare client; each page beside its floor and its bare query, interleaved",
            $"p50 {Report.Ms(p50)} a page (p95 {Report.Ms(Stats.P95(times))}), {found} entries; audit table requests a page: at most {requests.Max()} "
            + $"(bound {AuditTrail.MaxRequestsPerPage}); floor p50 {Report.Ms(floor50)}",
            Report.X(p50 / floor50), "≤ 1.2×, requests ≤ the bound", p50 / floor50 <= 1.2 && requests.Max() <= AuditTrail.MaxRequestsPerPage);
        report.Add("7", "… the same pages vs the bare query alone (the same storage page, no user named): the naming is the difference",
            $"p50 {Report.Ms(p50)} vs {Report.Ms(raw50)} a page: naming its users adds {Report.Ms(floor50 - raw50)} to the bare query at its floor "
            + "(100 point reads, which Azurite answers one after another on its one thread)", Report.X(p50 / raw50));
    }

    /// <summary>One storage page of the audit query from a page's continuation (as <see cref="AuditTrail"/> reads it), optionally with the users' addresses.</summary>
    private async Task<int> RawAuditPageAsync(DateTimeOffset from, DateTimeOffset to, string? continuation, bool nameUsers)
    {
        var (audit, users) = (host.Table("audit"), host.Table("users"));
        var bar = continuation?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        var month = bar == 6
            ? new DateTimeOffset(int.Parse(continuation![..4], CultureInfo.InvariantCulture), int.Parse(continuation[4..6], CultureInfo.InvariantCulture), 1, 0, 0, 0, TimeSpan.Zero)
            : AuditTrail.MonthOf(to);
        var token = bar == 6 && continuation!.Length > 7 ? continuation[7..] : null;
        var rows = 0;
        for (; month >= AuditTrail.MonthOf(from) && rows < 100; month = month.AddMonths(-1), token = null)
        {
            await foreach (var page in audit.QueryAsync<TableEntity>(AuditTrail.WindowFilter(Tenant, month, from, to) + " and Action eq 'erase'", maxPerPage: 100 - rows)
                .AsPages(token, 100 - rows))
            {
                rows += page.Values.Count;
                if (nameUsers)
                {
                    await Task.WhenAll(page.Values.Select(e => e.GetString("TargetUser")).OfType<string>().Distinct(StringComparer.Ordinal)
                        .Select(id => users.GetEntityIfExistsAsync<TableEntity>(Onboarding.Users.UserEntity.PartitionOf(Tenant, id), id, ["Email"])));
                }

                if (rows >= 100)
                {
                    break;
                }
            }
        }

        return rows;
    }

    /// <summary>A year of audit entries, newest first in each month's partition, the actions in their shares, about seeded users.</summary>
    private async Task<TimeSpan> SeedAuditAsync()
    {
        progress($"figure 7: seeding {Report.N(auditEntries)} audit entries");
        var started = Stopwatch.GetTimestamp();
        var random = new Random(7);
        var step = TimeSpan.FromDays(365).Ticks / auditEntries;
        var cumulative = Actions.Select((a, i) => Actions.Take(i + 1).Sum(x => x.Share)).ToArray();
        const int chunk = 50_000;
        for (var start = 0; start < auditEntries; start += chunk)
        {
            var entries = Enumerable.Range(start, Math.Min(chunk, auditEntries - start)).Select(i =>
            {
                var at = now.AddTicks(-step * i);
                var draw = random.NextDouble();
                var action = Actions[Array.FindIndex(cumulative, c => draw <= c) is var k and >= 0 ? k : Actions.Length - 1].Action;
                return (ITableEntity)new AuditEntity
                {
                    PartitionKey = AuditTrail.Partition(Tenant, at),
                    RowKey = $"{AuditTrail.RowKeyOf(at)}_{i.ToString("D7", CultureInfo.InvariantCulture)}",
                    At = at,
                    Actor = "staff" + (i % 12).ToString(CultureInfo.InvariantCulture),
                    ActorRoles = "Support",
                    Action = action,
                    TargetUser = action == "search" ? null : users.SampleUserIds[random.Next(users.SampleUserIds.Count)],
                    Detail = action is "search" or "export" ? "by email" : null,
                };
            }).ToList();
            await Seeder.WriteAsync(host, [("audit", entries)]);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}
