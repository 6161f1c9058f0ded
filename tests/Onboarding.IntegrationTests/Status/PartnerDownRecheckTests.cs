using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Status;

/// <summary>
/// A partner down while the re-check timer runs: a person told "link your account" keeps being told
/// so (not "we could not check"), and the timer tries again in minutes, backing off, not in an hour;
/// once the partner is back, the hourly rhythm returns.
/// </summary>
public sealed class PartnerDownRecheckTests : TestProviderTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    protected override TimeProvider Clock => _clock;

    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.RecheckPartners.Disabled"] = "true",
        ["AzureWebJobs.DrainUptake.Disabled"] = "true",
    };

    protected override TenantDocument Tenant(TestOidcProvider provider) => TestTenants.RpWithSlowPartner(provider) with { Id = "rp" };

    [Fact]
    public async Task PartnerDown_ActionRequiredKept_RetriedInMinutesBackingOff_HourlyAgainOnceBack()
    {
        Provider.Subject = "pia";
        Provider.SlowPartnerDelay = TimeSpan.Zero; // answers at once: no linked account
        using (var browser = new Browser())
        {
            using var _ = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "pia"));
        }

        Assert.Equal(StepState.ActionRequired, await StepAsync());

        Provider.PartnerStatusCode = 503;
        var (misses, dueIn) = await RecheckAsync();
        Assert.Equal(StepState.ActionRequired, await StepAsync());
        Assert.Equal(1, misses);
        Assert.InRange(dueIn, TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(6)); // less the retries' waits

        _clock.Advance(TimeSpan.FromMinutes(6));
        (misses, dueIn) = await RecheckAsync();
        Assert.Equal(2, misses);
        Assert.InRange(dueIn, TimeSpan.FromMinutes(9.5), TimeSpan.FromMinutes(11));

        Provider.PartnerStatusCode = null;
        _clock.Advance(TimeSpan.FromMinutes(11));
        (misses, dueIn) = await RecheckAsync();
        Assert.Equal(0, misses);
        Assert.True(dueIn >= StatusService.RecheckInterval - TimeSpan.FromMinutes(0.5), $"due in {dueIn}");
        Assert.Equal(StepState.ActionRequired, await StepAsync());
    }

    private async Task<StepState> StepAsync() =>
        Assert.Single(await Service.UsersAsync("rp")).ReadStatus().Step("slowpartner")!.State;

    /// <summary>Runs the re-check timer, then reads the person's schedule entry: misses, and how soon it is due.</summary>
    private async Task<(int Misses, TimeSpan DueIn)> RecheckAsync()
    {
        var requests = Provider.PartnerRequests;
        // The partner client's retries wait on the service's clock: it moves on while the run waits.
        var run = Service.RunTimerAsync("RecheckPartners");
        while (!run.IsCompleted)
        {
            await Task.Delay(10);
            _clock.Advance(TimeSpan.FromMilliseconds(200));
        }

        await run;
        Assert.True(Provider.PartnerRequests > requests, "the timer did not ask the partner");
        var entries = new List<RecheckScheduleEntity>();
        await foreach (var entry in Service.Table("partnerrechecks").QueryAsync<RecheckScheduleEntity>())
        {
            entries.Add(entry);
        }

        var only = Assert.Single(entries);
        return (only.Misses, only.DueAt - _clock.GetUtcNow());
    }
}
