using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Storage;

namespace Onboarding.Privacy;

/// <summary>
/// One row per email address (partition = tenant spread by key, row = HMAC-SHA-256 of the normalised address with
/// the deployment secret) listing the users with that address. No table has an email in a key, and
/// without the secret the rows cannot be matched to addresses. Look-ups are single point reads.
/// </summary>
public sealed class EmailIndexEntity : TableRow
{
    /// <summary>Space-separated user ids (usually one; two identities may share an address).</summary>
    public string UserIds { get; set; } = "";
}

public sealed partial class EmailIndex(TableClients tables, IOptions<PrivacyOptions> options, ILogger<EmailIndex> logger)
{
    /// <summary>
    /// Identities one address may list (a row holds at most 32 KiB; 200 ids are 6.6 KB). Past it the
    /// address stops finding the newest ones, with a warning: one shared address never breaks sign-in.
    /// </summary>
    public const int MaxUsersPerEmail = 200;

    private const int MaxAttempts = 8;
    private readonly byte[] _key = HMACSHA256.HashData(Convert.FromBase64String(options.Value.HmacSecret),
        Encoding.UTF8.GetBytes("email-index"));

    /// <summary>Trimmed and lower-cased: the same mailbox however it was typed at the provider.</summary>
    public static string Normalise(string email) => email.Trim().ToLowerInvariant();

    public string KeyOf(string email) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(Normalise(email))));

    public async Task<IReadOnlyList<string>> FindAsync(string tenantId, string email, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.EmailIndex, cancellationToken);
        var key = KeyOf(email);
        var found = await table.GetEntityIfExistsAsync<EmailIndexEntity>(Partitions.Spread(tenantId, key), key, cancellationToken: cancellationToken);
        return found.HasValue ? Ids(found.Value!) : [];
    }

    public Task AddAsync(string tenantId, string email, string userId, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, KeyOf(email), ids =>
        {
            if (ids.Contains(userId))
            {
                return null;
            }

            if (ids.Count >= MaxUsersPerEmail)
            {
                LogFull(tenantId, MaxUsersPerEmail);
                return null;
            }

            return [.. ids, userId];
        }, cancellationToken);

    public Task RemoveAsync(string tenantId, string email, string userId, CancellationToken cancellationToken) =>
        RemoveKeyAsync(tenantId, KeyOf(email), userId, cancellationToken);

    /// <summary>Takes a user off the row with this key (for when only the key is known).</summary>
    public Task RemoveKeyAsync(string tenantId, string key, string userId, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, key, ids => ids.Contains(userId) ? ids.Where(id => id != userId).ToList() : null, cancellationToken);

    /// <summary>
    /// Takes many users off their email rows (the purge): the rows are read in parallel; those that
    /// list only their user go in entity-group transactions per partition (each under its ETag),
    /// the shared ones and any batch that fails one by one.
    /// </summary>
    /// <param name="read">Rows already read by key (the purge reads them beside the records); the others are read here.
    /// A row that changed since its read fails its batch's ETag and goes the careful way.</param>
    public async Task RemoveManyAsync(string tenantId, IReadOnlyList<(string Email, string UserId)> entries, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, EmailIndexEntity?>? read = null)
    {
        var table = await tables.GetAsync(Table.EmailIndex, cancellationToken);
        var alone = new System.Collections.Concurrent.ConcurrentBag<(EmailIndexEntity Row, string UserId)>();
        var shared = new System.Collections.Concurrent.ConcurrentBag<(string Key, string UserId)>();
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (entry, ct) =>
        {
            var key = KeyOf(entry.Email);
            var found = read is not null && read.TryGetValue(key, out var known) ? known : await FindRowAsync(table, tenantId, key, ct);
            if (found is not null && Ids(found) is var ids && ids.Contains(entry.UserId))
            {
                if (ids.Count == 1)
                {
                    alone.Add((found, entry.UserId));
                }
                else
                {
                    shared.Add((key, entry.UserId));
                }
            }
        });

        foreach (var batch in alone.GroupBy(a => a.Row.PartitionKey).SelectMany(p => p.Chunk(100)))
        {
            try
            {
                await table.SubmitTransactionAsync(batch.Select(a => new TableTransactionAction(TableTransactionActionType.Delete, a.Row, a.Row.ETag)), cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var (row, userId) in batch)
                {
                    shared.Add((row.RowKey, userId)); // changed meanwhile: the careful way
                }
            }
        }

        await Parallel.ForEachAsync(shared, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (entry, ct) => await RemoveKeyAsync(tenantId, entry.Key, entry.UserId, ct));
    }

    /// <summary>The rows with these keys, read in parallel (null: no row).</summary>
    public async Task<IReadOnlyDictionary<string, EmailIndexEntity?>> ReadManyAsync(string tenantId, IEnumerable<string> keys,
        CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.EmailIndex, cancellationToken);
        var rows = new System.Collections.Concurrent.ConcurrentDictionary<string, EmailIndexEntity?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(keys.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (key, ct) => rows[key] = await FindRowAsync(table, tenantId, key, ct));
        return rows;
    }

    private static async Task<EmailIndexEntity?> FindRowAsync(TableClient table, string tenantId, string key, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<EmailIndexEntity>(Partitions.Spread(tenantId, key), key, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <param name="change">The new list from the current one; null when nothing is to change.</param>
    private async Task ChangeAsync(string tenantId, string key, Func<IReadOnlyList<string>, List<string>?> change,
        CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.EmailIndex, cancellationToken);
        var partition = Partitions.Spread(tenantId, key);
        for (var attempt = 1; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<EmailIndexEntity>(partition, key, cancellationToken: cancellationToken);
            var entity = found.HasValue ? found.Value! : null;
            if (change(entity is null ? [] : Ids(entity)) is not { } ids)
            {
                return;
            }

            try
            {
                if (entity is null)
                {
                    await table.AddEntityAsync(new EmailIndexEntity { PartitionKey = partition, RowKey = key, UserIds = string.Join(' ', ids) }, cancellationToken);
                }
                else if (ids.Count == 0)
                {
                    await table.DeleteEntityAsync(partition, key, entity.ETag, cancellationToken);
                }
                else
                {
                    entity.UserIds = string.Join(' ', ids);
                    await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another sign-in with this address changed the row: read again.
            }
        }
    }

    private static List<string> Ids(EmailIndexEntity entity) =>
        [.. entity.UserIds.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email index of tenant {Tenant}: an address already lists {Max} identities; the new one is not indexed (support finds it by id)")]
    private partial void LogFull(string tenant, int max);
}
