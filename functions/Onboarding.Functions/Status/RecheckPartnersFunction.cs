using Microsoft.Azure.Functions.Worker;
using Onboarding.Status;

namespace Onboarding.Functions.Status;

public sealed class RecheckPartnersFunction(PartnerRechecks rechecks)
{
    /// <summary>Re-checks partner accounts of recent sign-ups whose partner step is not done yet.</summary>
    [Function("RecheckPartners")]
    public Task Run([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        rechecks.RunAsync(cancellationToken);
}
