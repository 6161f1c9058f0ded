using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Privacy;
using Onboarding.Tenants;
using Onboarding.Uptake;

namespace Onboarding.IntegrationTests.Reports;

/// <summary>A scripted history of several people over several months, on a fake clock, read back as a report.</summary>
public sealed class UptakeCountingTests : TestProviderTests
{
    private const string EarlyAdopter = "urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero));

    protected override TimeProvider Clock => _clock;

    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.PurgeExpiredData.Disabled"] = "true",
        ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
        ["AzureWebJobs.DrainUptake.Disabled"] = "true", // the tests drain when they mean to
    };

    private async Task SignInAsync(string subject, params string[] entitlements)
    {
        Provider.Subject = subject;
        Provider.Entitlements = entitlements;
        using var browser = new Browser();
        var (response, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<Dictionary<string, MonthUptake>> ReportAsync(string? by = null)
    {
        await Service.DrainUptakeAsync();
        var tenant = Service.Services.GetRequiredService<TenantCatalog>().Get("rp");
        var months = await Service.Services.GetRequiredService<UptakeReports>()
            .ReadAsync(tenant, ReportQuery.Parse("2025-12", "2026-04", by, _clock.GetUtcNow()), TestContext.Current.CancellationToken);
        return months.ToDictionary(m => m.Month);
    }

    [Fact]
    public async Task ScriptedHistory_AcrossMonthBoundaries_CountsExactly()
    {
        // January: ann twice, ben twice at the same moment, dan not yet a member.
        await SignInAsync("ann", EarlyAdopter);
        _clock.Advance(TimeSpan.FromHours(2));
        await SignInAsync("ann", EarlyAdopter);

        Provider.Subject = "ben";
        Provider.Entitlements = [];
        using (var a = new Browser())
        using (var b = new Browser())
        {
            var callbackA = await a.CallbackUrlAsync(Service.BaseUrl, "rp", "ben");
            var callbackB = await b.CallbackUrlAsync(Service.BaseUrl, "rp", "ben");
            var both = await Task.WhenAll(a.GetAsync(callbackA), b.GetAsync(callbackB));
            Assert.All(both, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        }

        await SignInAsync("dan");

        // February, just past the boundary: ann comes back.
        _clock.SetUtcNow(new DateTimeOffset(2026, 2, 1, 0, 0, 1, TimeSpan.Zero));
        await SignInAsync("ann", EarlyAdopter);

        // March: dan has joined the VO and becomes ready, in the January cohort.
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
        await SignInAsync("dan", EarlyAdopter);

        var report = await ReportAsync();
        var jan = report["2026-01"].Totals;
        Assert.Equal(3, jan.SignUps);
        Assert.Equal(3, jan.ActiveUsers);          // ann, ben, dan once each
        Assert.Equal(5, jan.SignIns);              // ann 2, ben 2, dan 1
        Assert.Equal(3, jan.SignedIn);
        Assert.Equal(2, jan.VoMember);             // ann in January, dan in March: both January's cohort
        Assert.Equal(2, jan.Ready);
        Assert.Equal((0 + 53) / 2.0, jan.MedianDaysToReady); // whole days: ann 0, dan 53 (15 Jan 11:00 to 10 Mar 09:00)

        var feb = report["2026-02"].Totals;
        Assert.Equal((0, 1, 1), (feb.SignUps, feb.ActiveUsers, feb.SignIns));
        Assert.Equal((0, 0), (feb.VoMember, feb.Ready));
        var mar = report["2026-03"].Totals;
        Assert.Equal((0, 1, 1), (mar.SignUps, mar.ActiveUsers, mar.SignIns));
        Assert.Equal(0, report["2025-12"].Totals.SignIns);

        var byRole = (await ReportAsync("role"))["2026-01"].Breakdown.ToDictionary(b => b.Value);
        // Activity counts under the roles a person had then; cohort stages under those they had on reaching them.
        Assert.Equal(1, byRole["Early_Adopter"].Counts.ActiveUsers); // ann
        Assert.Equal(2, byRole["none"].Counts.ActiveUsers);          // ben, and dan before he joined
        Assert.Equal(2, byRole["Early_Adopter"].Counts.Ready);       // ann, and dan in March
    }

    [Fact]
    public async Task ReturningUsers_CountedInTheirCohort_InThe1st3rdAnd6thMonth_OnceEach()
    {
        // January's cohort: ann, ben, cal. ann comes back twice in February, ben once; ann again in
        // March (the 2nd month: not counted), ann and cal in April, ben in July.
        foreach (var person in new[] { "ann", "ben", "cal" })
        {
            await SignInAsync(person, EarlyAdopter);
        }

        _clock.SetUtcNow(new DateTimeOffset(2026, 2, 1, 0, 0, 1, TimeSpan.Zero));
        await SignInAsync("ann", EarlyAdopter);
        await SignInAsync("ann", EarlyAdopter);
        await SignInAsync("ben", EarlyAdopter);
        await SignInAsync("dee"); // February's cohort
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 31, 23, 59, 0, TimeSpan.Zero));
        await SignInAsync("ann", EarlyAdopter);
        await SignInAsync("dee"); // the month after February
        _clock.SetUtcNow(new DateTimeOffset(2026, 4, 2, 9, 0, 0, TimeSpan.Zero));
        await SignInAsync("ann", EarlyAdopter);
        await SignInAsync("cal", EarlyAdopter);
        _clock.SetUtcNow(new DateTimeOffset(2026, 7, 5, 9, 0, 0, TimeSpan.Zero));
        await SignInAsync("ben", EarlyAdopter);
        await SignInAsync("ben", EarlyAdopter);

        var report = await ReportAsync();
        var jan = report["2026-01"].Totals;
        Assert.Equal((3, 2, 2, 1), (jan.SignUps, jan.ReturnedMonth1, jan.ReturnedMonth3, jan.ReturnedMonth6));
        var feb = report["2026-02"].Totals;
        Assert.Equal((1, 1, 0, 0), (feb.SignUps, feb.ReturnedMonth1, feb.ReturnedMonth3, feb.ReturnedMonth6));
        Assert.Equal((0, 0), (report["2026-03"].Totals.ReturnedMonth1, report["2026-04"].Totals.ReturnedMonth1));

        // In a breakdown the small counts are suppressed like every other.
        var byRole = (await ReportAsync("role"))["2026-01"].Breakdown.Single(b => b.Value == "Early_Adopter").Counts;
        Assert.Equal(2, byRole.ReturnedMonth1);
        var cells = ReportTable.Cells(byRole, TenantsRp().ReportSuppressBelow, "role");
        Assert.Equal(("<5", "<5", "<5"), (cells["returned_month_1"], cells["returned_month_3"], cells["returned_month_6"]));

        // A return marker dedupes only within its month: in July, January's 1st- and 3rd-month markers and
        // February's go; the 6th-month one stays until July is over.
        Assert.Equal((3, 2, 1), (await MarkersAsync("r1|"), await MarkersAsync("r3|"), await MarkersAsync("r6|")));
        await Service.Services.GetRequiredService<UptakeMarkers>().PurgeOldActivityAsync("rp", TestContext.Current.CancellationToken);
        Assert.Equal((0, 0, 1), (await MarkersAsync("r1|"), await MarkersAsync("r3|"), await MarkersAsync("r6|")));
        Assert.Equal(1, await MarkersAsync("a|")); // only July's activity marker (ben's)

        // ben's erasure in July takes his 6th-month marker with the rest; the counts stay.
        var ben = (await Service.UsersAsync("rp")).Single(u => u.Subject == "ben").ToRecord();
        await Service.Services.GetRequiredService<UserEraser>().EraseAsync("rp", ben.UserId, "test", TestContext.Current.CancellationToken);
        Assert.Equal(0, await MarkersAsync("r6|"));
        Assert.Equal(1, (await ReportAsync())["2026-01"].Totals.ReturnedMonth6);
    }

    [Fact]
    public async Task FailedSignIns_ByReasonAndMonth_CountedOnceHoweverOftenTheDrainRuns()
    {
        using (var browser = new Browser())
        {
            // The provider sent an error; a callback replayed; an attempt left for eleven minutes.
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/callback?error=access_denied"))).StatusCode);
            var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "kim");
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(callback)).StatusCode);
            Assert.NotEqual(HttpStatusCode.OK, (await browser.GetAsync(callback)).StatusCode);
        }

        using (var late = new Browser())
        {
            var callback = await late.CallbackUrlAsync(Service.BaseUrl, "rp", "kim");
            _clock.Advance(TimeSpan.FromMinutes(11));
            Assert.NotEqual(HttpStatusCode.OK, (await late.GetAsync(callback)).StatusCode);
        }

        var jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((3, 1), (jan.FailedSignIns, jan.SignIns));
        var reasons = (await ReportAsync("failure"))["2026-01"].Breakdown.ToDictionary(b => b.Value, b => b.Counts.FailedSignIns);
        Assert.Equal(new Dictionary<string, long> { ["SignInRefused"] = 1, ["LoginAttemptUnknown"] = 1, ["LoginAttemptExpired"] = 1 }, reasons);

        // Drained again (and again): nothing new, nothing counted twice.
        await Service.DrainUptakeAsync();
        Assert.Equal(3, (await ReportAsync())["2026-01"].Totals.FailedSignIns);

        // Just past the month's end: February's failure is February's.
        _clock.SetUtcNow(new DateTimeOffset(2026, 2, 1, 0, 0, 1, TimeSpan.Zero));
        using (var browser = new Browser())
        {
            await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/callback?state=forged"));
        }

        var report = await ReportAsync("failure");
        Assert.Equal((3, 1), (report["2026-01"].Totals.FailedSignIns, report["2026-02"].Totals.FailedSignIns));
        Assert.Equal("LoginAttemptUnknown", Assert.Single(report["2026-02"].Breakdown).Value);

        // Aggregates only: no marker, no person; suppressed below the threshold in the breakdown.
        Assert.Equal(0, await MarkersAsync("f"));
        var cells = ReportTable.Cells(report["2026-02"].Breakdown[0].Counts, TenantsRp().ReportSuppressBelow, "failure");
        Assert.Equal(["failed_sign_ins"], cells.Keys);
        Assert.Equal("<5", cells["failed_sign_ins"]);
    }

    [Fact]
    public async Task TopList_SumsTheMonthsPerValue_AndOrdersByWhatIsShown()
    {
        // January: six early adopters and two people without a role; February: one more early adopter, and ea0 again.
        for (var i = 0; i < 6; i++)
        {
            await SignInAsync($"ea{i}", EarlyAdopter);
        }

        await SignInAsync("n0");
        await SignInAsync("n1");
        _clock.SetUtcNow(new DateTimeOffset(2026, 2, 3, 9, 0, 0, TimeSpan.Zero));
        await SignInAsync("ea6", EarlyAdopter);
        await SignInAsync("ea0", EarlyAdopter);
        await Service.DrainUptakeAsync();

        var tenant = Service.Services.GetRequiredService<TenantCatalog>().Get("rp");
        var top = await Service.Services.GetRequiredService<UptakeReports>().TopAsync(tenant,
            ReportQuery.Parse("2026-01", "2026-02", null, _clock.GetUtcNow()), "role", 10, TestContext.Current.CancellationToken);

        // Early adopters: 7 sign-ups, 8 active user-months (ea0 in both); none: 2, below the threshold of 5, so it sorts as 0.
        Assert.Equal([new TopValue("Early_Adopter", 7, 8, 7), new TopValue("none", 2, 2, 0)], top);
        Assert.Single(await Service.Services.GetRequiredService<UptakeReports>().TopAsync(tenant,
            ReportQuery.Parse("2026-01", "2026-02", null, _clock.GetUtcNow()), "role", 1, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TheSignInIsRecordedWithItsCounting_WhichTheDrainDoesLater_Once()
    {
        await SignInAsync("eve", EarlyAdopter);

        // The record and its outbox row are there; nothing is counted yet.
        var outbox = await OutboxAsync();
        Assert.Single(outbox);
        var tenant = TenantsRp();
        var uncounted = await Service.Services.GetRequiredService<UptakeReports>()
            .ReadAsync(tenant, ReportQuery.Parse("2026-01", "2026-01", null, _clock.GetUtcNow()), TestContext.Current.CancellationToken);
        Assert.Equal(0, uncounted.Single().Totals.SignIns);

        var jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((1, 1, 1, 1), (jan.SignUps, jan.ActiveUsers, jan.SignIns, jan.Ready));
        Assert.Empty(await OutboxAsync());

        // A drain that crashed after counting, before deleting the outbox row: the row is back, the
        // event is counted already (its applied row says so), and counting again adds nothing.
        await Service.Table("users").AddEntityAsync(Strip(outbox[0]), TestContext.Current.CancellationToken);
        jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((1, 1, 1, 1), (jan.SignUps, jan.ActiveUsers, jan.SignIns, jan.Ready));
        Assert.Empty(await OutboxAsync());
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
    }

    [Fact]
    public async Task ADrainThatStoppedAfterTheMarkers_CountsTheEventOnceWhenRunAgain()
    {
        await SignInAsync("fay", EarlyAdopter);
        var row = Assert.Single(await OutboxAsync());
        var uptake = UptakeEvent.Parse(row.Payload)!;

        // The markers are in (this event's id in them), the counters not: as a run stopped in between leaves it.
        var markers = Service.Table("uptakemarkers");
        await markers.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        foreach (var step in uptake.Steps.Where(s => s.Marker is not null))
        {
            await markers.AddEntityAsync(new MarkerEntity
            {
                PartitionKey = UptakeKeys.MarkerPartition(uptake.Partition, uptake.UserHash),
                RowKey = step.Marker!,
                EventId = Onboarding.Storage.Outbox.IdOf(row),
            }, TestContext.Current.CancellationToken);
        }

        var jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((1, 1, 1, 1, 1), (jan.SignUps, jan.ActiveUsers, jan.SignIns, jan.VoMember, jan.Ready));

        // Another event finding the markers taken (the same person again this month) counts only the sign-in.
        await SignInAsync("fay", EarlyAdopter);
        jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((1, 1, 2, 1, 1), (jan.SignUps, jan.ActiveUsers, jan.SignIns, jan.VoMember, jan.Ready));
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
    }

    [Fact]
    public async Task ConcurrentFirstSignInsAndConcurrentDrains_AllAnswered_CountedExactly()
    {
        // 24 new people at once (the field's morning rush), then drains racing each other.
        Provider.SubjectFromLoginHint = true;
        var people = Enumerable.Range(0, 24).Select(i => $"rush{i:D2}").ToList();
        var answers = await Task.WhenAll(people.Select(async person =>
        {
            using var browser = new Browser();
            var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", person);
            using var response = await browser.GetAsync(callback);
            return response.StatusCode;
        }));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(24, (await OutboxAsync()).Count);

        var drain = Service.Services.GetRequiredService<UptakeDrain>();
        await Task.WhenAll(drain.RunAsync(TestContext.Current.CancellationToken), drain.RunAsync(TestContext.Current.CancellationToken),
            drain.DrainTenantAsync("rp", TestContext.Current.CancellationToken));

        var jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((24, 24, 24), (jan.SignUps, jan.ActiveUsers, jan.SignIns));
        Assert.Empty(await OutboxAsync());
        await Invariants.AssertConsistentAsync(Service, "rp", orphansAllowed: false);
    }

    [Fact]
    public async Task OnePersonInTwelveBrowsersAtOnce_AllAnswered_OneSignUp_TwelveSignIns()
    {
        Provider.Subject = "ivy";
        var callbacks = new List<(Browser Browser, Uri Callback)>();
        for (var i = 0; i < 12; i++)
        {
            var browser = new Browser();
            callbacks.Add((browser, await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "ivy")));
        }

        var answers = await Task.WhenAll(callbacks.Select(async c =>
        {
            using var response = await c.Browser.GetAsync(c.Callback);
            return response.StatusCode;
        }));
        callbacks.ForEach(c => c.Browser.Dispose());

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(12, Assert.Single(await Service.UsersAsync("rp")).SignInCount);
        var jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((1, 1, 12), (jan.SignUps, jan.ActiveUsers, jan.SignIns));
    }

    [Fact]
    public async Task ErasureCountsWhatIsPending_KeepsTheCounts_AndTakesTheMarkers()
    {
        await SignInAsync("gus", EarlyAdopter);
        var gus = (await Service.UsersAsync("rp")).Single().ToRecord();

        await Service.Services.GetRequiredService<UserEraser>().EraseAsync("rp", gus.UserId, "test", TestContext.Current.CancellationToken);

        Assert.Empty(await OutboxAsync());
        var jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((1, 1, 1), (jan.SignUps, jan.SignIns, jan.Ready)); // counted, and the aggregates stay
        Assert.Equal(0, await Service.CountAsync("uptakemarkers")); // the per-user markers went with the person
    }

    [Fact]
    public async Task AppliedRows_AreSweptAQuarterOfAnHourLater_WhenTheirOutboxRowIsGone()
    {
        await SignInAsync("hal");
        await ReportAsync();
        Assert.Equal(1, await AppliedRowsAsync());

        _clock.Advance(UptakeDrain.AppliedKeptFor - TimeSpan.FromMinutes(1));
        await Service.DrainUptakeAsync();
        Assert.Equal(1, await AppliedRowsAsync());

        _clock.Advance(TimeSpan.FromMinutes(2));
        await Service.DrainUptakeAsync();
        Assert.Equal(0, await AppliedRowsAsync());
        Assert.Equal(1, (await ReportAsync())["2026-01"].Totals.SignIns);
    }

    private async Task<List<Onboarding.Storage.OutboxEntity>> OutboxAsync()
    {
        var rows = new List<Onboarding.Storage.OutboxEntity>();
        await foreach (var row in Service.Table("users").QueryAsync<Onboarding.Storage.OutboxEntity>(
            e => e.RowKey.CompareTo(Onboarding.Storage.Outbox.Prefix) >= 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private async Task<int> MarkersAsync(string prefix)
    {
        var count = 0;
        var end = prefix[..^1] + (char)(prefix[^1] + 1);
        await foreach (var _ in Service.Table("uptakemarkers").QueryAsync<Azure.Data.Tables.TableEntity>(
            e => e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(end) < 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            count++;
        }

        return count;
    }

    private async Task<int> AppliedRowsAsync()
    {
        var count = 0;
        await foreach (var _ in Service.Table("uptake").QueryAsync<Azure.Data.Tables.TableEntity>(
            e => e.RowKey.CompareTo("e|") >= 0 && e.RowKey.CompareTo("e}") < 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            count++;
        }

        return count;
    }

    private static Onboarding.Storage.OutboxEntity Strip(Onboarding.Storage.OutboxEntity row) =>
        new() { PartitionKey = row.PartitionKey, RowKey = row.RowKey, Owner = row.Owner, Payload = row.Payload, CreatedAt = row.CreatedAt };

    private Tenant TenantsRp() => Service.Services.GetRequiredService<TenantCatalog>().Get("rp");
}
