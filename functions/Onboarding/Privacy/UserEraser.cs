using Azure;
using Microsoft.Extensions.Logging;
using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>
/// Removes every personal item of one user in one tenant: the record, the email index row, the subject
/// alias, the expiry entry and the partner re-check. Anonymous aggregates stay. Safe to repeat and to resume: the
/// record goes last but one, so a crash leaves it there for the next attempt to find again.
/// </summary>
public sealed partial class UserEraser(
    UserStore users,
    EmailIndex emails,
    ExpiryIndex expiries,
    PartnerRecheckStore rechecks,
    Users.SubjectAliases aliases,
    Uptake.UptakeDrain drain,
    Uptake.UptakeMarkers markers,
    Pseudonymizer pseudonyms,
    TimeProvider time,
    ILogger<UserEraser> logger)
{
    /// <summary>Erases on request, whatever the record's state. True when there was a record.</summary>
    public async Task<bool> EraseAsync(string tenantId, string userId, string reason, CancellationToken cancellationToken)
    {
        var user = await users.FindEntityAsync(tenantId, userId, cancellationToken);
        if (user is null)
        {
            await rechecks.RemoveAsync(tenantId, userId, cancellationToken);
            return false;
        }

        await EraseAsync(user, ETag.All, reason, cancellationToken);
        return true;
    }

    /// <summary>
    /// Erases a record read earlier. With its ETag (the purge), only if nobody signed in since: then
    /// it returns false and the person keeps everything.
    /// </summary>
    /// <remarks>
    /// Order matters for a crash at any point: the secondary items go first and the record after, so
    /// a record that is still there is found and erased again by the next attempt; the expiry entry
    /// goes last, so the purge still knows of the user until everything else is gone.
    /// </remarks>
    public async Task<bool> EraseAsync(UserEntity user, ETag etag, string reason, CancellationToken cancellationToken)
    {
        var (tenantId, userId) = (user.TenantId, user.RowKey);
        if (user.Email is { } email)
        {
            await emails.RemoveAsync(tenantId, email, userId, cancellationToken);
        }

        await rechecks.RemoveAsync(tenantId, userId, cancellationToken);
        await drain.DrainUserAsync(tenantId, userId, cancellationToken); // what they did is counted first
        await markers.ForgetAsync(tenantId, userId, user.FirstSignInAt, cancellationToken); // the counts stay; the markers go
        if (!await users.DeleteAsync(tenantId, userId, etag, cancellationToken))
        {
            // Signed in while we were erasing: they stay, and so does their email row.
            if (user.Email is { } kept)
            {
                await emails.AddAsync(tenantId, kept, userId, cancellationToken);
            }

            return false;
        }

        // After the record: a sign-in racing this one keeps its alias; an orphan left by a crash here
        // is still named by the expiry entry, which goes last.
        if (user.AliasKey is { } alias)
        {
            await aliases.RemoveIfNamesAsync(tenantId, alias, userId, cancellationToken);
        }

        await expiries.RemoveAsync(tenantId, ExpiryKinds.User, userId, user.ExpiresAt, cancellationToken);
        LogErased(tenantId, pseudonyms.LogReference(userId), reason);
        return true;
    }

    /// <summary>
    /// Erases many records read earlier (the purge), each only if nobody signed in since (its ETag),
    /// in batches: the markers and email rows first, then the records, then the aliases; a person who
    /// signed in meanwhile keeps everything (their email row is put back). The caller removes the
    /// expiry entries after. Returns how many were erased.
    /// </summary>
    public async Task<int> EraseManyAsync(Tenants.Tenant tenant, IReadOnlyList<UserEntity> due, string reason, CancellationToken cancellationToken)
    {
        if (due.Count == 0)
        {
            return 0;
        }

        var records = due.Select(u => u.ToRecord()).ToList();
        var withEmail = due.Where(u => u.Email is not null).Select(u => (u.Email!, u.RowKey)).ToList();
        var now = time.GetUtcNow();
        var scheduled = records.Where(r => MayBeScheduled(tenant, r, now)).ToList();
        await Task.WhenAll(
            markers.ForgetManyAsync(tenant, records, cancellationToken),
            emails.RemoveManyAsync(tenant.Id, withEmail, cancellationToken),
            Task.WhenAll(scheduled.Select(r => rechecks.RemoveAsync(tenant.Id, r.UserId, cancellationToken))));

        var deleted = await users.DeleteManyAsync(due, cancellationToken);
        var kept = due.Where(u => !deleted.Contains(u.RowKey)).ToList();
        await Task.WhenAll(kept.Where(u => u.Email is not null).Select(u => emails.AddAsync(tenant.Id, u.Email!, u.RowKey, cancellationToken))
            .Concat(due.Where(u => deleted.Contains(u.RowKey) && u.AliasKey is not null)
                .Select(u => aliases.RemoveIfNamesAsync(tenant.Id, u.AliasKey!, u.RowKey, cancellationToken))));
        LogErasedMany(tenant.Id, deleted.Count, kept.Count, reason);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased user {UserRef} of tenant {Tenant}: {Reason}")]
    private partial void LogErased(string tenant, string userRef, string reason);
}
