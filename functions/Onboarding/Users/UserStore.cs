using Azure;
using Azure.Data.Tables;
using Onboarding.Status;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>A sign-in as written: the user after and before (null on a first sign-in), and whether it counted as one.</summary>
public sealed record SignInWrite(UserRecord User, UserRecord? Before, bool Counted);

public enum SearchField
{
    Institution,
    Country,
}

/// <summary>Reads and writes user records. Every update is guarded by the entity's ETag.</summary>
public sealed class UserStore(TableStore tables, TimeProvider time)
{
    private const int MaxAttempts = 8;

    public async Task<UserRecord?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<UserEntity>(tenantId, userId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.ToRecord() : null;
    }

    /// <summary>
    /// Creates the user on their first sign-in or updates them on a later one. Concurrent sign-ins
    /// of one person both count: a lost race (409 on create, 412 on update) re-reads and retries.
    /// </summary>
    /// <param name="status">The new status from the stored one (null for a new user) and the time of this sign-in.</param>
    /// <param name="expiresAt">When the personal data goes unless the person signs in again.</param>
    /// <param name="oncePerDay">
    /// A person is counted, not a token: for a bearer token (device flow, hourly refreshes) a sign-in
    /// counts only when the person's last one was on an earlier UTC day; otherwise only the status and
    /// attributes are refreshed. Decided on the record read under its ETag, so concurrent first uses
    /// of new tokens count once.
    /// </param>
    public async Task<SignInWrite> RecordSignInAsync(string tenantId, SignInProfile profile, string? aliasKey,
        Func<StoredStatus?, DateTimeOffset, StoredStatus> status, DateTimeOffset expiresAt, bool oncePerDay,
        CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var found = await table.GetEntityIfExistsAsync<UserEntity>(tenantId, profile.UserId, cancellationToken: cancellationToken);
            try
            {
                if (!found.HasValue)
                {
                    var created = NewEntity(tenantId, profile, now);
                    created.ExpiresAt = expiresAt;
                    created.AliasKey = aliasKey;
                    created.WriteStatus(status(null, now));
                    await table.AddEntityAsync(created, cancellationToken);
                    return new SignInWrite(created.ToRecord(), null, Counted: true);
                }

                var entity = found.Value!;
                var before = entity.ToRecord();
                var counted = !oncePerDay || entity.LastSignInAt.UtcDateTime.Date < now.UtcDateTime.Date;
                var statusBefore = entity.Status;
                entity.Email = profile.Email;
                entity.Institution = profile.Institution;
                entity.Country = profile.Country;
                entity.AliasKey = aliasKey ?? entity.AliasKey;
                entity.WriteStatus(status(entity.ReadStatus(), now));
                if (counted)
                {
                    entity.LastSignInAt = now;
                    entity.SignInCount++;
                    entity.ExpiresAt = expiresAt;
                }
                else if (entity.Status == statusBefore && Same(before, entity))
                {
                    return new SignInWrite(before, before, Counted: false); // nothing new: no write
                }

                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return new SignInWrite(entity.ToRecord(), before, counted);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                // Someone else wrote (or erased) first: read again and apply this sign-in on top.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken); // back-off, not logic time
            }
        }
    }

    private static bool Same(UserRecord before, UserEntity after) =>
        before.Email == after.Email && before.Institution == after.Institution && before.Country == after.Country
        && before.AliasKey == after.AliasKey;

    /// <summary>Applies a status change to an existing user; null when the user does not exist (any more).</summary>
    public async Task<(UserRecord User, StoredStatus Before)?> UpdateStatusAsync(string tenantId, string userId,
        Func<StoredStatus, DateTimeOffset, StoredStatus> status, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<UserEntity>(tenantId, userId, cancellationToken: cancellationToken);
            if (!found.HasValue)
            {
                return null;
            }

            var entity = found.Value!;
            var before = entity.Status;
            var beforeStatus = entity.ReadStatus();
            entity.WriteStatus(status(beforeStatus, time.GetUtcNow()));
            if (entity.Status == before)
            {
                return (entity.ToRecord(), beforeStatus); // nothing changed: no write
            }

            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return (entity.ToRecord(), beforeStatus);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < MaxAttempts)
            {
                // Changed (or erased) meanwhile: read again.
            }
        }
    }

    /// <summary>
    /// Users of a tenant with this institution or country, a page at a time; the continuation is the
    /// storage's own, so paging goes as far as there are users.
    /// </summary>
    public async Task<(IReadOnlyList<UserRecord> Users, string? Continuation)> QueryAsync(string tenantId, SearchField attribute,
        string value, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var filter = attribute == SearchField.Country
            ? TableClient.CreateQueryFilter<UserEntity>(u => u.PartitionKey == tenantId && u.Country == value)
            : TableClient.CreateQueryFilter<UserEntity>(u => u.PartitionKey == tenantId && u.Institution == value);
        await foreach (var page in table.QueryAsync<UserEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(continuation, pageSize))
        {
            return (page.Values.Select(u => u.ToRecord()).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>The stored entity itself, with its ETag, for the purge and erasure.</summary>
    public async Task<UserEntity?> FindEntityAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<UserEntity>(tenantId, userId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Deletes a user record. With an ETag, only if unchanged since it was read (false when someone
    /// signed in meanwhile); with <see cref="ETag.All"/>, whatever its state. A missing record is fine.
    /// </summary>
    public async Task<bool> DeleteAsync(string tenantId, string userId, ETag etag, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(tenantId, userId, etag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    private static UserEntity NewEntity(string tenantId, SignInProfile profile, DateTimeOffset now) => new()
    {
        PartitionKey = tenantId,
        RowKey = profile.UserId,
        Issuer = profile.Issuer,
        Subject = profile.Subject,
        Email = profile.Email,
        Institution = profile.Institution,
        Country = profile.Country,
        FirstSignInAt = now,
        LastSignInAt = now,
        SignInCount = 1,
    };
}
