using Onboarding.Common;
using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.SignIn;

/// <summary>
/// The signed-in person's own record and status, for a bearer token. People who sign in with the
/// device-code flow never pass the callback: the first use of their tokens on a day counts as their
/// sign-in, with the same record and counters as the callback would give; later tokens that day
/// (hourly refreshes) only refresh the status.
/// </summary>
public sealed class MeService(IdentityResolver identities, UserStore users, SignInRecorder recorder)
{
    public async Task<RecordedSignIn> GetAsync(BearerCaller caller, CancellationToken cancellationToken)
    {
        var tenant = caller.Tenant;
        var identity = await identities.ResolveAsync(tenant, caller.Claims, cancellationToken);
        // Found through the alias: the claims lack the user key, the record has it (and the issuer).
        var profile = identity.Profile
            ?? (await users.FindAsync(tenant.Id, identity.UserId, cancellationToken) is { } stored
                ? ProfileMapper.Map(tenant, caller.Claims, stored.Subject)
                : null)
            // Known by its sub but erased since: signing in through the platform registers them again.
            ?? throw new OnboardingException(ApiError.UserNotFound);
        return await recorder.RecordAsync(tenant, profile, caller.Claims, SignInChannel.Bearer, cancellationToken);
    }
}
