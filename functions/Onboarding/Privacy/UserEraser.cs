using Azure;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>
/// Removes every personal item of one user in one tenant: the record, the email index row, the subject
/// alias, the uptake markers, the expiry entry and the partner re-check. Anonymous aggregates stay.
/// </summary>
/// <remarks>
/// <para>Crash-safe by order. Before the record goes, nothing is removed: an erasure that stops there
/// leaves the person whole (the caller was answered 503 and tries again). The record's delete is the
/// commit point. After it, everything left is named by an expiry entry that is due at once (for an
/// erasure on request, a journal entry written first; for the purge, the entry it is working on), so
/// an erasure that stops after the record went is finished by the next purge run
/// (<see cref="RetentionPurge"/>, daily), from that entry alone (<see cref="ForgetTracesAsync"/>).</para>
/// </remarks>
public sealed partial class UserEraser(
    UserStore users,
    EmailIndex emails,
    ExpiryIndex expiries,
    RecheckSchedule rechecks,
    Users.SubjectAliases aliases,
    Uptake.UptakeDrain drain,
    Uptake.UptakeMarkers markers,
    StaleKeys staleKeys,
    Pseudonymizer pseudonyms,
    TimeProvider time,
    ILogger<UserEraser> logger)
{
    /// <summary>Erases on request, whatever the record's state. True when there was a record.</summary>
    public async Task<bool> EraseAsync(string tenantId, string userId, string reason, CancellationToken cancellationToken)
    {
        using var turn = await users.TakeTurnAsync(tenantId, userId, cancellationToken); // this instance's sign-ins of them wait
        var user = await users.FindEntityAsync(tenantId, userId, cancellationToken);
        if (user is null)
        {
            await rechecks.RemoveAsync(tenantId, userId, cancellationToken);
            return false;
        }

        var now = time.GetUtcNow();
        var traces = TracesOf(user);
        await drain.DrainUserAsync(tenantId, userId, cancellationToken); // what they did is counted first
        // The journal: due now, naming everything the record leads to.
        await expiries.AddAsync(tenantId, userId, now, traces with { RecordExpiresAt = user.ExpiresAt }, cancellationToken);
        await users.DeleteAsync(user, ETag.All, cancellationToken); // the commit point
        await ForgetTracesAsync(tenantId, userId, traces, cancellationToken);
        await RemoveRecordEntryAsync(tenantId, userId, user.ExpiresAt, now, cancellationToken);
        await expiries.RemoveAsync(tenantId, ExpiryKinds.User, userId, now, cancellationToken); // last: until now it named everything
        await RestoreIfSignedInAgainAsync(tenantId, userId, cancellationToken);
        LogErased(tenantId, pseudonyms.LogReference(userId), reason);
        return true;
    }

    /// <summary>
    /// A sign-in on another instance that came after the record went has written a new record, whose
    /// entries the steps above may just have removed: it gets them back. The person chose to sign in
    /// again; what the erasure removed of before stays removed.
    /// </summary>
    private async Task RestoreIfSignedInAgainAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        if (await users.FindEntityAsync(tenantId, userId, cancellationToken) is not { } again)
        {
            return;
        }

        await Task.WhenAll(
            expiries.AddAsync(tenantId, userId, again.ExpiresAt, TracesOf(again), cancellationToken),
            again.Email is { } address ? emails.AddAsync(tenantId, address, userId, cancellationToken) : Task.CompletedTask,
            again.AliasKey is { } alias ? aliases.AddAsync(tenantId, alias, userId, cancellationToken) : Task.CompletedTask);
        LogSignedInAgain(tenantId, pseudonyms.LogReference(userId));
    }

    /// <summary>
    /// The record's own expiry entry, when it is not the journal entry (of <paramref name="journalAt"/>'s
    /// day) — after any row it names that the journal does not (left by a change a crash stopped).
    /// </summary>
    public async Task RemoveRecordEntryAsync(string tenantId, string userId, DateTimeOffset recordExpiresAt, DateTimeOffset journalAt,
        CancellationToken cancellationToken)
    {
        if (ExpiryIndex.Partition(tenantId, recordExpiresAt, userId) == ExpiryIndex.Partition(tenantId, journalAt, userId)
            || await expiries.FindAsync(tenantId, ExpiryKinds.User, userId, recordExpiresAt, cancellationToken) is not { } entry)
        {
            return;
        }

        await staleKeys.ForgetAsync(tenantId, entry, heldEmailKey: null, heldAliasKey: null, cancellationToken);
        await expiries.RemoveAsync(tenantId, ExpiryKinds.User, userId, recordExpiresAt, cancellationToken);
    }

    public UserTraces TracesOf(UserEntity user) =>
        new(user.Email is { } email ? emails.KeyOf(email) : null, user.AliasKey, user.FirstSignInAt, user.Life);

    /// <summary>
    /// What is left of a person once their record is gone: their email row entry, alias, uptake
    /// markers (when the first sign-in is known) and partner re-check. Each step is safe to repeat.
    /// </summary>
    /// <remarks>The alias goes only if it still names this user: a sign-in racing the erasure keeps its own.</remarks>
    public async Task ForgetTracesAsync(string tenantId, string userId, UserTraces traces, CancellationToken cancellationToken)
    {
        var work = new List<Task> { rechecks.RemoveAsync(tenantId, userId, cancellationToken) };
        if (traces.EmailKey is { } emailKey)
        {
            work.Add(emails.RemoveKeyAsync(tenantId, emailKey, userId, cancellationToken));
        }

        if (traces.AliasKey is { } aliasKey)
        {
            work.Add(aliases.RemoveIfNamesAsync(tenantId, aliasKey, userId, cancellationToken));
        }

        if (traces.FirstSignInAt is { } first)
        {
            work.Add(markers.ForgetAsync(tenantId, userId, first, traces.Life, cancellationToken)); // the counts stay; the markers go
        }

        await Task.WhenAll(work);
    }

    /// <summary>
    /// Erases many records read earlier (the purge), each only if nobody signed in since (its ETag):
    /// the records first, in batches (a person who signed in meanwhile keeps everything, untouched),
    /// then the markers, email rows, aliases and re-checks of those erased. The caller removes the
    /// expiry entries after, which until then name everything left. Returns how many were erased.
    /// </summary>
    /// <param name="emailRows">Their email rows, when already read (see <see cref="EmailIndex.RemoveManyAsync"/>).</param>
    public async Task<int> EraseManyAsync(Tenants.Tenant tenant, IReadOnlyList<UserEntity> due, string reason, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, EmailIndexEntity?>? emailRows = null)
    {
        if (due.Count == 0)
        {
            return 0;
        }

        var deletedIds = await users.DeleteManyAsync(due, cancellationToken); // the commit point
        var deleted = due.Where(u => deletedIds.Contains(u.RowKey)).ToList();
        var records = deleted.Select(u => u.ToRecord()).ToList();
        var now = time.GetUtcNow();
        await Task.WhenAll(
            markers.ForgetManyAsync(tenant, records, cancellationToken),
            emails.RemoveManyAsync(tenant.Id, deleted.Where(u => u.Email is not null).Select(u => (u.Email!, u.RowKey)).ToList(), cancellationToken, emailRows),
            Task.WhenAll(deleted.Where(u => u.AliasKey is not null).Select(u => aliases.RemoveIfNamesAsync(tenant.Id, u.AliasKey!, u.RowKey, cancellationToken))),
            Task.WhenAll(records.Where(r => MayBeScheduled(tenant, r, now)).Select(r => rechecks.RemoveAsync(tenant.Id, r.UserId, cancellationToken))));
        LogErasedMany(tenant.Id, deleted.Count, due.Count - deleted.Count, reason);
        return deleted.Count;
    }

    /// <summary>
    /// Whether the partner re-check schedule can still hold the person: a step not done and its window
    /// open (or closed within the last day, before the re-check timer took them off).
    /// </summary>
    private static bool MayBeScheduled(Tenants.Tenant tenant, UserRecord user, DateTimeOffset now) =>
        tenant.Partners.Any(p => user.Status.Step(p.Id)?.State != StepState.Done && user.FirstSignInAt + p.RecheckFor + TimeSpan.FromDays(1) > now);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased {Count} users of tenant {Tenant} ({Kept} kept: signed in meanwhile): {Reason}")]
    private partial void LogErasedMany(string tenant, int count, int kept, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserRef} of tenant {Tenant} signed in again while being erased: the new record keeps its entries")]
    private partial void LogSignedInAgain(string tenant, string userRef);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased user {UserRef} of tenant {Tenant}: {Reason}")]
    private partial void LogErased(string tenant, string userRef, string reason);
}
