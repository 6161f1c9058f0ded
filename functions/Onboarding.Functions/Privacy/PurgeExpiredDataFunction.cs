using Microsoft.Azure.Functions.Worker;
using Onboarding.Privacy;

namespace Onboarding.Functions.Privacy;

public sealed class PurgeExpiredDataFunction(RetentionPurge purge)
{
    /// <summary>Deletes personal data past its tenant's retention period (daily by default; see Privacy:PurgeSchedule).</summary>
    [Function("PurgeExpiredData")]
    public Task Run([TimerTrigger("%Privacy:PurgeSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        purge.RunAsync(cancellationToken);
}
