using Microsoft.Extensions.Logging;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>What one purge run did.</summary>
public sealed record PurgeResult(int Erased, int KeptBecauseSignedInAgain, int StaleEntries, DateTimeOffset? OldestOverdue);

/// <summary>
/// Deletes personal data whose time is up. Reads only the expiry index's partitions of days that have
/// come (never all users), re-reads each user (in parallel) and erases with the user's ETag, so a
/// person who signs in while the purge runs keeps their record. Works in chunks of 2,000 (full transactions across the spread partitions): what the
/// records say exists (markers, email rows, records, expiry entries) goes in entity-group
/// transactions of up to 100 per table and partition, one by one only after a batch fails. Bounded
/// per run, idempotent, and resumable after a crash at any point: an entry is removed only after its
/// user is gone or found not due.
/// </summary>
public sealed partial class RetentionPurge(
    TenantCatalog tenants,
    ExpiryIndex expiries,
    UserStore users,
    UserEraser eraser,
    IEnumerable<IRetainedRecords> retained,
    Uptake.UptakeMarkers markers,
    EmailIndex emails,
    StaleKeys staleKeys,
    TimeProvider time,
    ILogger<RetentionPurge> logger)
{
    /// <summary>At most this many expiry entries per tenant per run; the rest waits for the next run.</summary>
    public const int MaxPerTenantPerRun = 50_000;

    private const int Chunk = 2000;
    private const int Parallelism = 32;

    public async Task<PurgeResult> RunAsync(CancellationToken cancellationToken)
    {
        var total = new PurgeResult(0, 0, 0, null);
        foreach (var tenant in tenants.All)
        {
            PurgeResult result;
            try
            {
                result = await RunAsync(tenant, cancellationToken);
            }
            catch (Exception e) when (Storage.StorageFaults.Describe(e) is { } fault)
            {
                // One tenant's storage trouble does not stop the others; its due entries wait for the
                // next run, which finds them again (entries go only after what they name is gone).
                LogTenantFailed(tenant.Id, fault.Status, fault.Code);
                continue;
            }

            total = new PurgeResult(total.Erased + result.Erased, total.KeptBecauseSignedInAgain + result.KeptBecauseSignedInAgain,
                total.StaleEntries + result.StaleEntries, Min(total.OldestOverdue, result.OldestOverdue));
        }

        return total;
    }

    private async Task<PurgeResult> RunAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await expiries.DueAsync(tenant.Id, now, MaxPerTenantPerRun, cancellationToken);
        int erased = 0, kept = 0, stale = 0;
        foreach (var chunk in due.Chunk(Chunk))
        {
            // The records, read in parallel: each is erased only if unchanged since this read. Beside
            // them, the email rows their entries name (each removed only if unchanged since its read).
            var found = new UserEntity?[chunk.Length];
            var emailRows = emails.ReadManyAsync(tenant.Id, chunk.Select(e => e.EmailKey).OfType<string>(), cancellationToken);
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, ct) => found[i] = await users.FindEntityAsync(tenant.Id, ExpiryIndex.KeyOf(chunk[i]), ct));

            var done = new List<ExpiryEntity>();
            var erase = new List<UserEntity>();
            var retire = new List<(ExpiryEntity Entry, UserEntity User)>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var (entry, user) = (chunk[i], found[i]);
                if (user is null)
                {
                    // A record that never got written, or one erased by a run that then crashed.
                    await RemoveOrphanIndexEntriesAsync(tenant.Id, entry, cancellationToken);
                    stale++;
                    done.Add(entry);
                }
                else if (ExpiryIndex.Partition(tenant.Id, user.ExpiresAt, user.RowKey) != entry.PartitionKey)
                {
                    stale++; // signed in since: a newer entry exists
                    if (entry.Life != user.Life && entry.FirstSignInAt is { } first)
                    {
                        // An erasure stopped after its commit point, and the person came back before
                        // this run: the new life keeps everything, the old one's markers go.
                        await markers.ForgetAsync(tenant.Id, user.RowKey, first, entry.Life, cancellationToken);
                    }

                    retire.Add((entry, user));
                    done.Add(entry);
                }
                else if (user.ExpiresAt <= now)
                {
                    erase.Add(user);
                    retire.Add((entry, user));
                    done.Add(entry); // erased, or kept because they signed in meanwhile (with a new entry)
                }

                // else due later today: the entry stays for a later run
            }

            var count = await eraser.EraseManyAsync(tenant, erase, "retention period over", cancellationToken, await emailRows);
            erased += count;
            kept += erase.Count - count;
            // What the entries name that the records do not hold (a change a crash stopped half-way); usually nothing.
            await Parallel.ForEachAsync(retire, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (r, ct) => await staleKeys.ForgetAsync(tenant.Id, r.Entry, r.User.Email is { } email ? emails.KeyOf(email) : null, r.User.AliasKey, ct));
            await expiries.DeleteAsync(done, cancellationToken); // last: until now the entries still name everything
        }

        await markers.PurgeOldActivityAsync(tenant.Id, cancellationToken);
        foreach (var records in retained)
        {
            await records.PurgeAsync(tenant, now, cancellationToken);
        }

        var left = await expiries.DueAsync(tenant.Id, now, 1, cancellationToken);
        DateTimeOffset? oldestOverdue = left.Count == 0 ? null : ExpiryIndex.DayOf(left[0].PartitionKey);
        LogRun(tenant.Id, due.Count, erased, kept, stale, oldestOverdue?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        return new PurgeResult(erased, kept, stale, oldestOverdue);
    }

    /// <summary>What a record that is gone left behind (never written, or an erasure that stopped after it), from its entry.</summary>
    private async Task RemoveOrphanIndexEntriesAsync(string tenantId, ExpiryEntity entry, CancellationToken cancellationToken)
    {
        var userId = ExpiryIndex.KeyOf(entry);
        await eraser.ForgetTracesAsync(tenantId, userId, entry.TracesOf(), cancellationToken);
        await staleKeys.ForgetAsync(tenantId, entry, entry.EmailKey, entry.AliasKey, cancellationToken); // those just gone need no second call
        if (entry.RecordExpiresAt is { } recordExpiresAt) // an erasure's journal: the record's own entry goes too
        {
            await eraser.RemoveRecordEntryAsync(tenantId, userId, recordExpiresAt, ExpiryIndex.DayOf(entry.PartitionKey), cancellationToken);
        }
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention purge of tenant {Tenant} stopped: storage status {Status}, code {Code}; the next run goes on from there")]
    private partial void LogTenantFailed(string tenant, int status, string code);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Retention purge of tenant {Tenant}: {Due} due, {Erased} erased, {Kept} kept (signed in again), {Stale} stale entries; oldest overdue day left: {OldestOverdue}")]
    private partial void LogRun(string tenant, int due, int erased, int kept, int stale, string oldestOverdue);
}
