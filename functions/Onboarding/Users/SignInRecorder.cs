using System.Text.Json;
using Onboarding.Common;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Users;

/// <summary>A sign-in as recorded: the user, whether it was their first, and where they stand.</summary>
public sealed record RecordedSignIn(UserRecord User, bool FirstSignIn, OnboardingStatus Status);

/// <summary>
/// Records a sign-in from verified claims, whichever way the person signed in (the callback, or a
/// bearer token from the device-code flow): the profile, the membership from the entitlements, and
/// the partner link states, in one ETag-guarded write.
/// </summary>
public sealed class SignInRecorder(UserStore users, StatusService status)
{
    public async Task<RecordedSignIn> RecordAsync(Tenant tenant, JsonElement claims, CancellationToken cancellationToken)
    {
        var profile = ProfileMapper.Map(tenant, claims)
            ?? throw new OnboardingException(ApiError.UserInfoInvalid,
                inner: new InvalidOperationException($"no {tenant.UserKeyClaim} claim"));

        var membership = status.ReadMembership(tenant, ProfileMapper.Strings(claims, "eduperson_entitlement"));
        var observed = new StatusObservation(membership,
            await status.ObservePartnersAsync(tenant, profile.Subject, fresh: false, cancellationToken));

        var (user, first) = await users.RecordSignInAsync(tenant.Id, profile,
            (stored, now) => StatusSteps.Merge(tenant, stored, observed, now), cancellationToken);
        await status.ScheduleRecheckAsync(tenant, user, cancellationToken, dueNow: true);
        return new RecordedSignIn(user, first, StatusSteps.Describe(tenant, user.Status, user.FirstSignInAt));
    }
}
