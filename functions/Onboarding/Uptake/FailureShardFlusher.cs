using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Onboarding.Uptake;

/// <summary>
/// Flushes this instance's failed-sign-in tally (<see cref="FailureShards"/>) every
/// <see cref="UptakeOptions.FailureFlushInterval"/> on the service's clock, and once more when the
/// host stops (a scale-in, a deployment), after the timer: what a graceful stop tallied is written.
/// Only a crash (a kill, a lost machine) loses anything: what was tallied after the last flush.
/// </summary>
internal sealed class FailureShardFlusher(FailureShards shards, IOptions<UptakeOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FailureFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await shards.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping: StopAsync flushes once more
        }
    }

    /// <summary>Stops the timer (and any flush it was doing), then flushes within the host's shutdown timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await shards.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the shutdown timeout ran out first: what was not written is lost, as in a crash
        }
    }
}
