using System.Text.Json;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.SignIn;

/// <summary>
/// A read of the user's record started early — by the callback, while userinfo is fetched, when the
/// ID token already names the user. Used only when the sign-in turns out to be that user's.
/// </summary>
public sealed record EarlyRecordRead(string UserId, Task<UserEntity?> Read)
{
    /// <summary>Starts the read; a failure is observed here and surfaces only if the read is used.</summary>
    public static EarlyRecordRead Start(UserStore users, string tenantId, string userId, CancellationToken cancellationToken)
    {
        var read = users.FindEntityAsync(tenantId, userId, cancellationToken);
        _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return new EarlyRecordRead(userId, read);
    }
}

/// <summary>How the person came: through the callback (a browser sign-in), or with a bearer token (device flow, API clients).</summary>
public enum SignInChannel
{
    Callback,
    Bearer,

    /// <summary>
    /// Through the callback, for the status page's "Check again": the partners are asked afresh, and
    /// it counts as a sign-in once a day at most (as a bearer token's use), so checks do not swell the uptake.
    /// </summary>
    Check,
}

/// <summary>
/// Records a sign-in from verified claims, whichever way the person signed in (the callback, or a
/// bearer token from the device-code flow): the profile, the membership from the entitlements, and
/// the partner link states, in one ETag-guarded write that also carries the sign-in's uptake
/// counting (an outbox row, counted off the request path by <see cref="Uptake.UptakeDrain"/>).
/// </summary>
/// <remarks>
/// Write order, for a crash at any point (each step tried by <c>CrashBetweenStepsTests</c>):
/// <list type="number">
/// <item>the expiry entry the record will need, naming the email and alias keys (and, for a change on
///   the same day, the keys about to go);</item>
/// <item>the email row and alias it names (together);</item>
/// <item>the record, with its uptake outbox row in the same transaction — the commit point;</item>
/// <item>what the record no longer needs: the old email row and alias, then the previous day's expiry
///   entry (last: until then it names them); and the partner re-check schedule.</item>
/// </list>
/// A crash leaves an index entry without its record (harmless: look-ups check the record, and the
/// purge clears whatever an expiry entry names that its user does not hold), never a record or a row
/// the purge cannot find. Once the record is written the person gets their answer: what fails after
/// it is logged and left to the purge (stale entries) or the next sign-in (the re-check schedule).
/// </remarks>
public sealed partial class SignInRecorder(UserStore users, StatusService status, SignInIndexes indexes, SubjectAliases aliases,
    Uptake.UptakePlanner uptake, Pseudonymizer pseudonyms, TimeProvider time, ILogger<SignInRecorder> logger)
{
    /// <summary>Starts reading a user's record ahead of <see cref="RecordAsync"/>.</summary>
    public EarlyRecordRead ReadEarly(Tenant tenant, string userId, CancellationToken cancellationToken) =>
        EarlyRecordRead.Start(users, tenant.Id, userId, cancellationToken);

    /// <param name="profile">Who signed in (from the tenant's user-key claim, or found through the subject alias).</param>
    /// <param name="claims">The verified claims, for the entitlements and the provider's <c>sub</c>.</param>
    /// <param name="early">A read of the record already under way (the callback's); ignored when it is another user's.</param>
    public async Task<RecordedSignIn> RecordAsync(Tenant tenant, SignInProfile profile, JsonElement claims, SignInChannel channel,
        CancellationToken cancellationToken, EarlyRecordRead? early = null)
    {
        var bearer = channel == SignInChannel.Bearer;
        // A token of a client that did not ask for the entitlements scope says nothing about membership.
        var membership = bearer && !claims.TryGetProperty("eduperson_entitlement", out _)
            ? null
            : status.ReadMembership(tenant, ProfileMapper.Strings(claims, "eduperson_entitlement"));
        var storedRead = early?.UserId == profile.UserId ? early.Read : users.FindEntityAsync(tenant.Id, profile.UserId, cancellationToken);
        var partnersRead = status.ObservePartnersAsync(tenant, profile.Subject, fresh: channel == SignInChannel.Check, cancellationToken);
        await Task.WhenAll(storedRead, partnersRead);
        var stored = await storedRead;
        var observed = new StatusObservation(membership, await partnersRead);
        if (bearer && stored is not null)
        {
            // Nor does it say anything about the attributes it was not given the scopes for.
            profile = profile with
            {
                Email = profile.Email ?? stored.Email,
                EmailVerified = profile.Email is null ? stored.EmailVerified : profile.EmailVerified,
                Institution = profile.Institution ?? stored.Institution,
                Country = profile.Country ?? stored.Country,
            };
        }

        // A person keyed on voperson_id is also found by the sub of this sign-in, for tokens of
        // clients that do not ask for the voperson_id scope.
        var aliasKey = tenant.UserKeyClaim != "sub" && ProfileMapper.Text(claims, "sub") is { Length: > 0 } sub
            ? aliases.KeyOf(tenant.Issuer, sub)
            : null;

        // A bearer token of someone already counted today (hourly refreshes, polling clients): only
        // the status is refreshed, with at most one write, and no index is touched — unless what the
        // indexes hold (email, alias) changed, which takes the full path below.
        if (bearer && stored is not null
            && stored.LastSignInAt.UtcDateTime.Date == time.GetUtcNow().UtcDateTime.Date
            && stored.Email == profile.Email && stored.EmailVerified == profile.EmailVerified && (aliasKey is null || stored.AliasKey == aliasKey)
            && await users.UpdateStatusAsync(tenant.Id, profile.UserId, (current, now) => StatusSteps.Merge(tenant, current, observed, now),
                (before, after) => uptake.StatusChanged(tenant, before, after), new UserRead(stored), cancellationToken) is var (refreshed, _))
        {
            return new RecordedSignIn(refreshed, false, StatusSteps.Describe(tenant, refreshed.Status, refreshed.FirstSignInAt));
        }

        var expiresAt = time.GetUtcNow() + tenant.Retention.PersonalData;
        string? entryLife = null; // the life the expiry entry was last written with, by an earlier attempt
        var effects = new SignInEffects(
            async (current, life, now, ct) =>
                entryLife = await indexes.AddAsync(tenant.Id, profile, aliasKey, expiresAt, current, life, now,
                    force: entryLife is not null && entryLife != life, ct) ?? entryLife,
            (before, after, counted) => counted ? uptake.SignIn(tenant, before, after) : uptake.StatusChanged(tenant, before!.Status, after));
        var (user, previous, counted) = await users.RecordSignInAsync(tenant.Id, profile, aliasKey,
            (current, now) => StatusSteps.Merge(tenant, current, observed, now), expiresAt, oncePerDay: channel != SignInChannel.Callback, effects, new UserRead(stored),
            cancellationToken);

        await AfterRecordAsync(tenant, user, previous, counted, cancellationToken);
        var described = StatusSteps.Describe(tenant, user.Status, user.FirstSignInAt);
        LogSignIn(tenant.Id, pseudonyms.LogReference(user.UserId), channel.ToString().ToLowerInvariant(), previous is null, counted, described.Ready);
        return new RecordedSignIn(user, previous is null, described) { Before = previous?.Status };
    }

    /// <summary>After the commit point: entries the record no longer needs, and the partner re-check schedule; a fault here does not undo the sign-in.</summary>
    private async Task AfterRecordAsync(Tenant tenant, UserRecord user, UserRecord? before, bool counted, CancellationToken cancellationToken)
    {
        var work = new List<Task> { indexes.RetireAsync(tenant.Id, user, before, counted, cancellationToken) };
        if (counted)
        {
            work.Add(status.ScheduleRecheckAsync(tenant, user, cancellationToken, dueNow: true, previous: before?.Status));
        }

        try
        {
            await Task.WhenAll(work);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAfterRecordFailed(tenant.Id, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Sign-in of tenant {Tenant} recorded, but tidying the old index entries or the re-check schedule failed ({Error}); the purge and the next sign-in repair it")]
    private partial void LogAfterRecordFailed(string tenant, string error);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sign-in recorded: tenant {Tenant}, user {UserRef}, via {Channel}, first {FirstSignIn}, counted {Counted}, ready {Ready}")]
    private partial void LogSignIn(string tenant, string userRef, string channel, bool firstSignIn, bool counted, bool ready);
}
