using Microsoft.Azure.Functions.Worker;
using Onboarding.Uptake;

namespace Onboarding.Functions.Reports;

public sealed class DrainUptakeFunction(UptakeDrain drain)
{
    /// <summary>
    /// Counts the sign-ins recorded since the last run into the uptake counters (every 15 seconds;
    /// reports are at most this plus their 30-second cache behind).
    /// </summary>
    [Function("DrainUptake")]
    public Task Run([TimerTrigger("*/15 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        drain.RunAsync(cancellationToken);
}
