using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Onboarding.LocalHost;

namespace Onboarding.Tests.LocalHost;

/// <summary>A timer function for the scheduler to run; counts its invocations.</summary>
public sealed class EveryFiveMinutes
{
    private static int _runs;

    public static int Runs => Volatile.Read(ref _runs);

    [Function("EveryFiveMinutes")]
    public static void Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer) => Interlocked.Increment(ref _runs);
}

public sealed class TimerFunctionSchedulerTests
{
    [Fact]
    public async Task ExecuteAsync_RunsTheFunctionAtEachOccurrenceOfItsSchedule()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero));
        var catalog = FunctionCatalog.Discover(typeof(EveryFiveMinutes).Assembly);
        using var services = new ServiceCollection().BuildServiceProvider();
        using var scheduler = new TimerFunctionScheduler(catalog, services, new ConfigurationBuilder().Build(), clock,
            NullLogger<TimerFunctionScheduler>.Instance);
        var before = EveryFiveMinutes.Runs;

        await scheduler.StartAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(4)); // 00:04:30, not yet due
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(before, EveryFiveMinutes.Runs);

        clock.Advance(TimeSpan.FromSeconds(30)); // 00:05:00
        await WaitUntil(() => EveryFiveMinutes.Runs == before + 1);
        clock.Advance(TimeSpan.FromMinutes(5)); // 00:10:00
        await WaitUntil(() => EveryFiveMinutes.Runs == before + 2);

        await scheduler.StopAsync(TestContext.Current.CancellationToken);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        // Waits for the scheduler's continuation to run on the thread pool; not a timing assertion.
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }
}
