using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Status;

namespace Onboarding.Users;

/// <summary>
/// The signed-in person's own record and status, for a bearer token. People who sign in with the
/// device-code flow never pass the callback: the first time their token is seen here counts as
/// their sign-in, with the same record and counters as the callback would give.
/// </summary>
public sealed class MeService(BearerAuthenticator authenticator, SignInRecorder recorder, UserStore users, StatusService status,
    Uptake.UptakeCounter uptake)
{
    public async Task<RecordedSignIn> GetAsync(string tenantId, string? authorization, CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(tenantId, authorization, cancellationToken);
        var tenant = caller.Tenant;
        if (caller.FirstSighting || ProfileMapper.Map(tenant, caller.Claims) is not { } profile)
        {
            return await recorder.RecordAsync(tenant, caller.Claims, "bearer", cancellationToken);
        }

        // Seen before: refresh the membership step from the claims, keep the sign-in counters.
        var observed = new StatusObservation(
            status.ReadMembership(tenant, ProfileMapper.Strings(caller.Claims, "eduperson_entitlement")),
            await status.ObservePartnersAsync(tenant, profile.Subject, fresh: false, cancellationToken));
        var (user, before) = await users.UpdateStatusAsync(tenant.Id, profile.UserId,
            (stored, now) => StatusSteps.Merge(tenant, stored, observed, now), cancellationToken)
            // Not recorded under this token: the person erased their data since, or the request that
            // saw the token first has not written yet. Neither makes this a second sign-in.
            ?? throw new OnboardingException(ApiError.UserNotFound);
        await uptake.StatusChangedAsync(tenant, before, user, cancellationToken);
        return new RecordedSignIn(user, false, StatusSteps.Describe(tenant, user.Status, user.FirstSignInAt));
    }
}
