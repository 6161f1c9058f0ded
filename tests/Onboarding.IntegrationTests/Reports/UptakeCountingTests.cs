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
    public async Task SignInRetriedAfterAFault_CountsOnce_AndErasureKeepsTheCounts()
    {
        await SignInAsync("eve", EarlyAdopter);
        var counter = Service.Services.GetRequiredService<UptakeCounter>();
        var users = await Service.UsersAsync("rp");
        var eve = users.Single().ToRecord();

        // The same sign-in counted again, as a retry after a lost answer would.
        await counter.SignInAsync(TenantsRp(), null, eve, TestContext.Current.CancellationToken);

        var jan = (await ReportAsync())["2026-01"].Totals;
        Assert.Equal((1, 1, 1), (jan.SignUps, jan.ActiveUsers, jan.Ready));
        Assert.Equal(2, jan.SignIns); // the total of sign-ins is a plain count, not a distinct one

        await Service.Services.GetRequiredService<UserEraser>().EraseAsync("rp", eve.UserId, "test", TestContext.Current.CancellationToken);
        Assert.Equal(1, (await ReportAsync())["2026-01"].Totals.SignUps); // aggregates stay
        var markers = 0;
        await foreach (var row in Service.Table("uptake").QueryAsync<Azure.Data.Tables.TableEntity>(
            e => e.RowKey.CompareTo("a|") >= 0 && e.RowKey.CompareTo("t") < 0, cancellationToken: TestContext.Current.CancellationToken))
        {
            markers += row.RowKey.StartsWith("a|", StringComparison.Ordinal) || row.RowKey.StartsWith("s|", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(0, markers); // the per-user markers went with the person
    }

    private Tenant TenantsRp() => Service.Services.GetRequiredService<TenantCatalog>().Get("rp");
}
