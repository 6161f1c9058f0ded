using Microsoft.Azure.Functions.Worker;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

public sealed class PurgeExpiredSignInStateFunction(LoginAttemptStore attempts, TokenSightings sightings, TimeProvider time)
{
    private const int MaxPerRun = 10_000;

    /// <summary>Removes login attempts nobody came back for (ten minutes) and sightings of tokens that have expired.</summary>
    [Function("PurgeExpiredSignInState")]
    public async Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await attempts.PurgeExpiredAsync(now, MaxPerRun, cancellationToken);
        await sightings.PurgeExpiredAsync(now, MaxPerRun, cancellationToken);
    }
}
