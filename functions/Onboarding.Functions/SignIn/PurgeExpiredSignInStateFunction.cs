using Microsoft.Azure.Functions.Worker;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

public sealed class PurgeExpiredSignInStateFunction(ConsumedStates states, TimeProvider time)
{
    // Batched deletes: up to 50,000 a run (every ten minutes). Only completed sign-ins leave a row,
    // so this keeps up with any sign-in rate the service can serve.
    private const int MaxPerRun = 50_000;

    /// <summary>Removes the marks of used states once their attempts would have expired (ten minutes).</summary>
    [Function("PurgeExpiredSignInState")]
    public async Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await states.PurgeExpiredAsync(time.GetUtcNow(), MaxPerRun, cancellationToken);
    }
}
