using Azure;
using Azure.Data.Tables;
using Onboarding.Status;
using Onboarding.Storage;

namespace Onboarding.Users;

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
    public async Task<(UserRecord User, bool FirstSignIn)> RecordSignInAsync(
        string tenantId, SignInProfile profile, Func<StoredStatus?, DateTimeOffset, StoredStatus> status,
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
                    created.WriteStatus(status(null, now));
                    await table.AddEntityAsync(created, cancellationToken);
                    return (created.ToRecord(), true);
                }

                var entity = found.Value!;
                entity.Email = profile.Email;
                entity.Institution = profile.Institution;
                entity.Country = profile.Country;
                entity.LastSignInAt = now;
                entity.SignInCount++;
                entity.WriteStatus(status(entity.ReadStatus(), now));
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return (entity.ToRecord(), false);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Someone else wrote first: read again and apply this sign-in on top.
            }
        }
    }

    /// <summary>Applies a status change to an existing user; null when the user does not exist (any more).</summary>
    public async Task<UserRecord?> UpdateStatusAsync(string tenantId, string userId,
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
            entity.WriteStatus(status(entity.ReadStatus(), time.GetUtcNow()));
            if (entity.Status == before)
            {
                return entity.ToRecord(); // nothing changed: no write
            }

            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return entity.ToRecord();
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < MaxAttempts)
            {
                // Changed (or erased) meanwhile: read again.
            }
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
