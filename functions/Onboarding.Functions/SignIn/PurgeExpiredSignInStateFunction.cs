using Microsoft.Azure.Functions.Worker;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

public sealed class PurgeExpiredSignInStateFunction(LoginAttemptStore attempts, TimeProvider time)
{
    // Batched deletes: up to 50,000 a run (every ten minutes), so about 80 abandoned logins a second.
    private const int MaxPerRun = 50_000;

    /// <summary>Removes login attempts nobody came back for (ten minutes).</summary>
    [Function("PurgeExpiredSignInState")]
    public async Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await attempts.PurgeExpiredAsync(time.GetUtcNow(), MaxPerRun, cancellationToken);
    }
}
