using System.Text.Json;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.Privacy;
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
public sealed partial class SignInRecorder(UserStore users, StatusService status, EmailIndex emails, ExpiryIndex expiries,
    Uptake.UptakeCounter uptake, Pseudonymizer pseudonyms, TimeProvider time, ILogger<SignInRecorder> logger)
{
    /// <param name="channel">How the person came: <c>callback</c> or <c>bearer</c> (for the log).</param>
    public async Task<RecordedSignIn> RecordAsync(Tenant tenant, JsonElement claims, string channel, CancellationToken cancellationToken)
    {
        var profile = ProfileMapper.Map(tenant, claims)
            ?? throw new OnboardingException(ApiError.UserInfoInvalid,
                inner: new InvalidOperationException($"no {tenant.UserKeyClaim} claim"));

        var membership = status.ReadMembership(tenant, ProfileMapper.Strings(claims, "eduperson_entitlement"));
        var observed = new StatusObservation(membership,
            await status.ObservePartnersAsync(tenant, profile.Subject, fresh: false, cancellationToken));

        // The indexes are written before the record, so a crash in between leaves an index entry
        // without its record (harmless; the purge and look-ups check the record) and never a record
        // the purge cannot find.
        var expiresAt = time.GetUtcNow() + tenant.Retention.PersonalData;
        await expiries.AddAsync(tenant.Id, ExpiryKinds.User, profile.UserId, expiresAt,
            profile.Email is null ? null : emails.KeyOf(profile.Email), cancellationToken);
        if (profile.Email is { } email)
        {
            await emails.AddAsync(tenant.Id, email, profile.UserId, cancellationToken);
        }

        var (user, before) = await users.RecordSignInAsync(tenant.Id, profile,
            (stored, now) => StatusSteps.Merge(tenant, stored, observed, now), expiresAt, cancellationToken);

        if (before is not null && ExpiryIndex.Partition(tenant.Id, before.ExpiresAt) != ExpiryIndex.Partition(tenant.Id, expiresAt))
        {
            await expiries.RemoveAsync(tenant.Id, ExpiryKinds.User, user.UserId, before.ExpiresAt, cancellationToken);
        }

        if (before?.Email is { } oldEmail && EmailIndex.Normalise(oldEmail) != EmailIndex.Normalise(user.Email ?? ""))
        {
            await emails.RemoveAsync(tenant.Id, oldEmail, user.UserId, cancellationToken);
        }

        await status.ScheduleRecheckAsync(tenant, user, cancellationToken, dueNow: true);
        await uptake.SignInAsync(tenant, before, user, cancellationToken);
        var described = StatusSteps.Describe(tenant, user.Status, user.FirstSignInAt);
        LogSignIn(tenant.Id, pseudonyms.LogReference(user.UserId), channel, before is null, described.Ready);
        return new RecordedSignIn(user, before is null, described);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sign-in recorded: tenant {Tenant}, user {UserRef}, via {Channel}, first {FirstSignIn}, ready {Ready}")]
    private partial void LogSignIn(string tenant, string userRef, string channel, bool firstSignIn, bool ready);
}
