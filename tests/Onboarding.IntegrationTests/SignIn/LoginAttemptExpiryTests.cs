using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.LocalHost;
using static Onboarding.IntegrationTests.SignIn.CallbackAttackTests;

namespace Onboarding.IntegrationTests.SignIn;

/// <summary>Login attempts live ten minutes, on a fake clock shared by service and provider.</summary>
public sealed class LoginAttemptExpiryTests : TestProviderTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override TimeProvider Clock => _clock;

    // The purge timer would race these tests' clock jumps; it has tests of its own below.
    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.PurgeExpiredSignInState.Disabled"] = "true",
    };

    [Fact]
    public async Task CallbackAtTenMinutes_Accepted()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "x");
        _clock.Advance(TimeSpan.FromMinutes(10));

        using var response = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CallbackOneSecondPastTenMinutes_Expired_NothingWritten()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "x");
        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        using var response = await browser.GetAsync(callback);

        await AssertProblem(response, HttpStatusCode.BadRequest, "LoginAttemptExpired");
        Assert.Empty(await Service.UsersAsync("rp"));
        Assert.Equal(0, await Service.CountAsync("consumedstates")); // an expired attempt is not even marked used
    }

    [Fact]
    public async Task CallbackHoursLater_AfterTheCleanUp_StillToldItTookTooLong_NotAnotherBrowser()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "slow");
        _clock.Advance(TimeSpan.FromHours(3));
        var scheduler = Service.Services.GetRequiredService<TimerFunctionScheduler>();
        await scheduler.InvokeAsync(scheduler.Schedules.Single(s => s.Function.Name == "PurgeExpiredSignInState").Function,
            TestContext.Current.CancellationToken);

        using var response = await browser.GetAsync(callback);

        await AssertProblem(response, HttpStatusCode.BadRequest, "LoginAttemptExpired");
    }

    [Fact]
    public async Task LoginCookie_OutlivesTheAttempt_SoAnExpiredOneIsRecognised()
    {
        using var browser = new Browser();

        using var response = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/rp/login"));

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("onboarding-login-rp=", StringComparison.Ordinal));
        var maxAge = int.Parse(System.Text.RegularExpressions.Regex.Match(cookie, "max-age=(\\d+)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(maxAge > TimeSpan.FromMinutes(10).TotalSeconds, cookie);
    }
}

/// <summary>The timer that removes the marks of used states once their attempts expired, run by the host on its schedule.</summary>
public sealed class LoginAttemptPurgeTests : TestProviderTests
{
    // Just after a ten-minute mark, so the purge (every ten minutes) fires where the test expects.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddHours(12).AddSeconds(30), TimeSpan.Zero));

    protected override TimeProvider Clock => _clock;

    private async Task SignInAsync()
    {
        using var browser = new Browser();
        using var response = await browser.GetAsync(await browser.CallbackUrlAsync(Service.BaseUrl, "rp", "x"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PurgeTimer_OnItsSchedule_RemovesMarksOfExpiredAttempts_KeepsLiveOnes()
    {
        await SignInAsync();
        await SignInAsync();
        Assert.Equal(2, await Service.CountAsync("consumedstates"));

        // Past 12:20, after the attempts expired at 12:10:30: the host's scheduler runs the purge by itself.
        _clock.Advance(TimeSpan.FromMinutes(20));
        await SignInAsync();
        for (var i = 0; i < 200 && await Service.CountAsync("consumedstates") != 1; i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, await Service.CountAsync("consumedstates"));

        // Running it again is harmless: the live mark stays (a replay of that state still fails).
        var scheduler = Service.Services.GetRequiredService<TimerFunctionScheduler>();
        await scheduler.InvokeAsync(scheduler.Schedules.Single(s => s.Function.Name == "PurgeExpiredSignInState").Function,
            TestContext.Current.CancellationToken);
        Assert.Equal(1, await Service.CountAsync("consumedstates"));
    }
}
