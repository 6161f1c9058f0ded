using System.Text.Json;
using Microsoft.Extensions.Logging;
using Onboarding.Privacy;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Users;

/// <summary>A sign-in as recorded: the user, whether it was their first, and where they stand.</summary>
public sealed record RecordedSignIn(UserRecord User, bool FirstSignIn, OnboardingStatus Status);

/// <summary>How the person came: through the callback (a browser sign-in), or with a bearer token (device flow, API clients).</summary>
public enum SignInChannel
{
    Callback,
    Bearer,
}

/// <summary>
/// Records a sign-in from verified claims, whichever way the person signed in (the callback, or a
/// bearer token from the device-code flow): the profile, the membership from the entitlements, and
/// the partner link states, in one ETag-guarded write.
/// </summary>
public sealed partial class SignInRecorder(UserStore users, StatusService status, EmailIndex emails, ExpiryIndex expiries,
    SubjectAliases aliases, Uptake.UptakeCounter uptake, Pseudonymizer pseudonyms, TimeProvider time, ILogger<SignInRecorder> logger)
{
    /// <param name="profile">Who signed in (from the tenant's user-key claim, or found through the subject alias).</param>
    /// <param name="claims">The verified claims, for the entitlements and the provider's <c>sub</c>.</param>
    public async Task<RecordedSignIn> RecordAsync(Tenant tenant, SignInProfile profile, JsonElement claims, SignInChannel channel,
        CancellationToken cancellationToken)
    {
        var membership = status.ReadMembership(tenant, ProfileMapper.Strings(claims, "eduperson_entitlement"));
        var observed = new StatusObservation(membership,
            await status.ObservePartnersAsync(tenant, profile.Subject, fresh: false, cancellationToken));

        // A person keyed on voperson_id is also found by the sub of this sign-in, for tokens of
        // clients that do not ask for the voperson_id scope.
        var aliasKey = tenant.UserKeyClaim != "sub" && ProfileMapper.Text(claims, "sub") is { Length: > 0 } sub
            ? aliases.KeyOf(tenant.Issuer, sub)
            : null;

        // A bearer token of someone already counted today (hourly refreshes, polling clients): only
        // the status is refreshed, with one read and at most one write, and no index is touched —
        // unless what the indexes hold (email, alias) changed, which takes the full path below.
        if (channel == SignInChannel.Bearer
            && await users.FindAsync(tenant.Id, profile.UserId, cancellationToken) is { } known
            && known.LastSignInAt.UtcDateTime.Date == time.GetUtcNow().UtcDateTime.Date
            && known.Email == profile.Email && (aliasKey is null || known.AliasKey == aliasKey))
        {
            if (await users.UpdateStatusAsync(tenant.Id, profile.UserId,
                (stored, now) => StatusSteps.Merge(tenant, stored, observed, now), cancellationToken) is var (refreshed, statusBefore))
            {
                await uptake.StatusChangedAsync(tenant, statusBefore, refreshed, cancellationToken);
                return new RecordedSignIn(refreshed, false, StatusSteps.Describe(tenant, refreshed.Status, refreshed.FirstSignInAt));
            }
        }

        // The indexes are written before the record, so a crash in between leaves an index entry
        // without its record (harmless; the purge and look-ups check the record, and the expiry entry
        // names the index keys) and never a record the purge cannot find.
        var expiresAt = time.GetUtcNow() + tenant.Retention.PersonalData;
        await expiries.AddAsync(tenant.Id, ExpiryKinds.User, profile.UserId, expiresAt,
            profile.Email is null ? null : emails.KeyOf(profile.Email), aliasKey, cancellationToken);
        if (profile.Email is { } email)
        {
            await emails.AddAsync(tenant.Id, email, profile.UserId, cancellationToken);
        }

        if (aliasKey is not null)
        {
            await aliases.AddAsync(tenant.Id, aliasKey, profile.UserId, cancellationToken);
        }

        var (user, before, counted) = await users.RecordSignInAsync(tenant.Id, profile, aliasKey,
            (stored, now) => StatusSteps.Merge(tenant, stored, observed, now), expiresAt, oncePerDay: channel == SignInChannel.Bearer,
            cancellationToken);

        if (counted && before is not null && ExpiryIndex.Partition(tenant.Id, before.ExpiresAt) != ExpiryIndex.Partition(tenant.Id, user.ExpiresAt))
        {
            await expiries.RemoveAsync(tenant.Id, ExpiryKinds.User, user.UserId, before.ExpiresAt, cancellationToken);
        }

        if (before?.Email is { } oldEmail && EmailIndex.Normalise(oldEmail) != EmailIndex.Normalise(user.Email ?? ""))
        {
            await emails.RemoveAsync(tenant.Id, oldEmail, user.UserId, cancellationToken);
        }

        if (before?.AliasKey is { } oldAlias && oldAlias != user.AliasKey)
        {
            await aliases.RemoveAsync(tenant.Id, oldAlias, cancellationToken);
        }

        if (counted)
        {
            await status.ScheduleRecheckAsync(tenant, user, cancellationToken, dueNow: true);
            await uptake.SignInAsync(tenant, before, user, cancellationToken);
        }
        else
        {
            await uptake.StatusChangedAsync(tenant, before!.Status, user, cancellationToken);
        }

        var described = StatusSteps.Describe(tenant, user.Status, user.FirstSignInAt);
        LogSignIn(tenant.Id, pseudonyms.LogReference(user.UserId), channel == SignInChannel.Bearer ? "bearer" : "callback", before is null, counted, described.Ready);
        return new RecordedSignIn(user, before is null, described);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sign-in recorded: tenant {Tenant}, user {UserRef}, via {Channel}, first {FirstSignIn}, counted {Counted}, ready {Ready}")]
    private partial void LogSignIn(string tenant, string userRef, string channel, bool firstSignIn, bool counted, bool ready);
}
