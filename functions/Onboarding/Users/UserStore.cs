using Azure;
using Azure.Data.Tables;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>Reads and writes user records. Every update is guarded by the entity's ETag.</summary>
public sealed class UserStore(TableClients tables, TimeProvider time)
{
    private readonly Common.KeyedLocks turns = new();

    /// <summary>Enough for a few dozen browsers of one person at once; past it, a 503 (try again), never a 500.</summary>
    private const int MaxAttempts = 32;

    /// <summary>
    /// This instance's turn at one person's record: their sign-ins and an erasure of them take turns
    /// rather than race (across instances the record's ETag and the erasure's final check decide).
    /// </summary>
    public Task<Common.KeyedLocks.Turn> TakeTurnAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        turns.TakeAsync(UserEntity.PartitionOf(tenantId, userId) + "/" + userId, cancellationToken);

    public async Task<UserRecord?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        (await FindEntityAsync(tenantId, userId, cancellationToken))?.ToRecord();

    /// <summary>
    /// Creates the user on their first sign-in or updates them on a later one, with the work of
    /// <paramref name="effects"/>' outbox in the same transaction. Concurrent sign-ins of one person
    /// both count: a lost race (409 on create, 412 on update) re-reads and retries.
    /// </summary>
    /// <param name="status">The new status from the stored one (null for a new user) and the time of this sign-in.</param>
    /// <param name="expiresAt">When the personal data goes unless the person signs in again.</param>
    /// <param name="oncePerDay">
    /// A person is counted, not a token: for a bearer token (device flow, hourly refreshes) a sign-in
    /// counts only when the person's last one was on an earlier UTC day; otherwise only the status and
    /// attributes are refreshed. Decided on the record read under its ETag, so concurrent first uses
    /// of new tokens count once.
    /// </param>
    /// <param name="known">The record as the caller just read it, to spare the first read (null: read it here).</param>
    public async Task<SignInWrite> RecordSignInAsync(string tenantId, SignInProfile profile, string? aliasKey,
        Func<StoredStatus?, DateTimeOffset, StoredStatus> status, DateTimeOffset expiresAt, bool oncePerDay,
        SignInEffects effects, UserRead? known, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var partition = UserEntity.PartitionOf(tenantId, profile.UserId);
        // One person's sign-ins at once (several tabs, a script) take turns here rather than race.
        using var turn = await TakeTurnAsync(tenantId, profile.UserId, cancellationToken);
        (SignInWrite Write, string Id)? sent = null; // the last write sent: if its answer was lost, it may have landed
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var entity = attempt == 1 && known is not null && !turn.Waited
                ? known.Entity
                : await ReadAsync(table, partition, profile.UserId, cancellationToken);
            if (sent is { } mine && entity?.WriteId == mine.Id)
            {
                return mine.Write; // the answer was lost, the write was not
            }

            var before = entity?.ToRecord();
            var writeId = Guid.NewGuid().ToString("N");
            var life = entity is null ? Guid.NewGuid().ToString("N") : entity.Life;
            try
            {
                await effects.BeforeWrite(before, life, now, cancellationToken);
                if (entity is null)
                {
                    var created = NewEntity(partition, profile, now, life!);
                    created.ExpiresAt = expiresAt;
                    created.AliasKey = aliasKey;
                    created.WriteStatus(status(null, now));
                    created.WriteId = writeId;
                    var record = created.ToRecord();
                    sent = (new SignInWrite(record, null, Counted: true), writeId);
                    await WriteAsync(table, created, TableTransactionActionType.Add, effects.Outbox(null, record, true), now, cancellationToken);
                    return sent.Value.Write;
                }

                var counted = !oncePerDay || entity.LastSignInAt.UtcDateTime.Date < now.UtcDateTime.Date;
                var statusBefore = entity.Status;
                entity.Email = profile.Email;
                entity.EmailVerified = profile.EmailVerified;
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
                else if (entity.Status == statusBefore && Same(before!, entity))
                {
                    return new SignInWrite(before!, before, Counted: false); // nothing new: no write
                }

                entity.WriteId = writeId;
                var after = entity.ToRecord();
                sent = (new SignInWrite(after, before, counted), writeId);
                await WriteAsync(table, entity, TableTransactionActionType.UpdateReplace, effects.Outbox(before, after, counted), now, cancellationToken);
                return sent.Value.Write;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                // Someone else wrote (or erased) first: read again and apply this sign-in on top.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, Math.Min(200, 10 + 15 * attempt))), cancellationToken); // back-off, not logic time
            }
        }
    }

    /// <summary>The record alone, or the record with its outbox rows and search index rows in one entity-group transaction.</summary>
    private static async Task WriteAsync(TableClient table, UserEntity entity, TableTransactionActionType action,
        IReadOnlyList<string> outbox, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var index = SearchIndex.Follow(entity); // before the record goes: it notes the rows
        if (outbox.Count == 0 && index.Count == 0)
        {
            if (action == TableTransactionActionType.Add)
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            }

            return;
        }

        var actions = new List<TableTransactionAction> { new(action, entity, entity.ETag) };
        actions.AddRange(index);
        actions.AddRange(outbox.Select(payload =>
            new TableTransactionAction(TableTransactionActionType.Add, Outbox.Row(entity.PartitionKey, entity.RowKey, payload, now))));
        await table.SubmitTransactionAsync(actions, cancellationToken);
    }

    private static async Task<UserEntity?> ReadAsync(TableClient table, string partition, string userId, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<UserEntity>(partition, userId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    private static bool Same(UserRecord before, UserEntity after) =>
        before.Email == after.Email && before.EmailVerified == after.EmailVerified && before.Institution == after.Institution && before.Country == after.Country
        && before.AliasKey == after.AliasKey;

    /// <summary>
    /// Applies a status change to an existing user, with the outbox rows <paramref name="outbox"/> gives
    /// for it in the same transaction; null when the user does not exist (any more).
    /// </summary>
    public async Task<(UserRecord User, StoredStatus Before)?> UpdateStatusAsync(string tenantId, string userId,
        Func<StoredStatus, DateTimeOffset, StoredStatus> status, Func<StoredStatus, UserRecord, IReadOnlyList<string>> outbox,
        UserRead? known, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var partition = UserEntity.PartitionOf(tenantId, userId);
        (string WriteId, StoredStatus Before)? sent = null;
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var entity = attempt == 1 && known is not null ? known.Entity : await ReadAsync(table, partition, userId, cancellationToken);
            if (entity is null)
            {
                return null;
            }

            if (sent is { } mine && entity.WriteId == mine.WriteId)
            {
                return (entity.ToRecord(), mine.Before); // the answer was lost, the write was not
            }

            var before = entity.Status;
            var beforeStatus = entity.ReadStatus();
            entity.WriteStatus(status(beforeStatus, now));
            if (entity.Status == before)
            {
                return (entity.ToRecord(), beforeStatus); // nothing changed: no write
            }

            try
            {
                entity.WriteId = Guid.NewGuid().ToString("N");
                sent = (entity.WriteId, beforeStatus);
                var after = entity.ToRecord();
                await WriteAsync(table, entity, TableTransactionActionType.UpdateReplace, outbox(beforeStatus, after), now, cancellationToken);
                return (after, beforeStatus);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < MaxAttempts)
            {
                // Changed (or erased) meanwhile: read again.
            }
        }
    }

    /// <summary>The stored entity itself, with its ETag, for the purge and erasure.</summary>
    public async Task<UserEntity?> FindEntityAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        await ReadAsync(await tables.GetAsync(Table.Users, cancellationToken), UserEntity.PartitionOf(tenantId, userId), userId, cancellationToken);

    /// <summary>
    /// Deletes a user record. With an ETag, only if unchanged since it was read (false when someone
    /// signed in meanwhile); with <see cref="ETag.All"/>, whatever its state. A missing record is fine.
    /// </summary>
    /// <remarks>The record's institution index row goes in the same transaction. Unconditionally (<see cref="ETag.All"/>),
    /// a record changed since <paramref name="user"/> was read is read again, so the row it has now goes with it.</remarks>
    public async Task<bool> DeleteAsync(UserEntity user, ETag etag, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var index = SearchIndex.Remove(user).ToList();
                if (index.Count == 0)
                {
                    await table.DeleteEntityAsync(user.PartitionKey, user.RowKey, etag, cancellationToken);
                }
                else
                {
                    await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Delete, user, etag), .. index], cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                return false;
            }
            catch (RequestFailedException e) when (e.Status == 404 && etag == ETag.All && attempt < MaxAttempts)
            {
                // Gone already, or changed (another institution's row) meanwhile: as it is now.
                if (await ReadAsync(table, user.PartitionKey, user.RowKey, cancellationToken) is not { } now)
                {
                    return true;
                }

                user = now;
            }
        }
    }

    /// <summary>
    /// Deletes records read earlier, each only if unchanged since (its ETag), in entity-group
    /// transactions per partition; a batch that fails because one of them changed goes one by one.
    /// Returns the ids deleted (or already gone); the others were signed in meanwhile.
    /// </summary>
    public async Task<IReadOnlySet<string>> DeleteManyAsync(IReadOnlyList<UserEntity> users, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var deleted = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        // 33 records a batch: each may bring its two index rows (at most 100 actions a transaction).
        var batches = users.GroupBy(u => u.PartitionKey).SelectMany(p => p.Chunk(33)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (batch, ct) =>
        {
            try
            {
                await table.SubmitTransactionAsync(batch.SelectMany(u => SearchIndex.Remove(u)
                    .Prepend(new TableTransactionAction(TableTransactionActionType.Delete, u, u.ETag))), ct);
                foreach (var user in batch)
                {
                    deleted[user.RowKey] = true;
                }
            }
            catch (TableTransactionFailedException)
            {
                foreach (var user in batch)
                {
                    if (await DeleteAsync(user, user.ETag, ct))
                    {
                        deleted[user.RowKey] = true;
                    }
                }
            }
        });
        return deleted.Keys.ToHashSet(StringComparer.Ordinal);
    }

    private static UserEntity NewEntity(string partition, SignInProfile profile, DateTimeOffset now, string life) => new()
    {
        PartitionKey = partition,
        RowKey = profile.UserId,
        Issuer = profile.Issuer,
        Subject = profile.Subject,
        Email = profile.Email,
        EmailVerified = profile.EmailVerified,
        Institution = profile.Institution,
        Country = profile.Country,
        FirstSignInAt = now,
        LastSignInAt = now,
        SignInCount = 1,
        Life = life,
    };
}
