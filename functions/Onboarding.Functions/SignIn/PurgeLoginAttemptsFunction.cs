using Microsoft.Azure.Functions.Worker;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

public sealed class PurgeLoginAttemptsFunction(LoginAttemptStore attempts, TimeProvider time)
{
    private const int MaxPerRun = 10_000;

    /// <summary>Removes login attempts nobody came back for (they expire after ten minutes).</summary>
    [Function("PurgeLoginAttempts")]
    public Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        attempts.PurgeExpiredAsync(time.GetUtcNow(), MaxPerRun, cancellationToken);
}
