using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>
/// The provider's <c>sub</c> of a person keyed on another claim (<c>voperson_id</c>), as seen at their
/// sign-ins (partition = tenant spread by key, row = HMAC of issuer and sub with the deployment secret): it finds
/// the person for a token of a client that did not ask for the <c>voperson_id</c> scope (the platform's
/// own clients do not). Pseudonymous, lives and dies with the user record.
/// </summary>
public sealed class SubjectAliasEntity : TableRow
{
    public string UserId { get; set; } = "";
}

public sealed class SubjectAliases(TableClients tables, IOptions<PrivacyOptions> options)
{
    private readonly byte[] _key = HMACSHA256.HashData(Convert.FromBase64String(options.Value.HmacSecret), Encoding.UTF8.GetBytes("subject-alias"));

    public string KeyOf(string issuer, string sub) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(issuer + "\n" + sub)));

    public async Task<string?> FindAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.SubjectAliases, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<SubjectAliasEntity>(Partitions.Spread(tenantId, key), key, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.UserId : null;
    }

    /// <summary>One sub belongs to one identity at its issuer: an upsert, safe to repeat.</summary>
    public async Task AddAsync(string tenantId, string key, string userId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.SubjectAliases, cancellationToken);
        await table.UpsertEntityAsync(new SubjectAliasEntity { PartitionKey = Partitions.Spread(tenantId, key), RowKey = key, UserId = userId },
            TableUpdateMode.Replace, cancellationToken);
    }

    public async Task RemoveAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.SubjectAliases, cancellationToken);
        await table.DeleteEntityAsync(Partitions.Spread(tenantId, key), key, ETag.All, cancellationToken); // 404 is not an error here
    }

    /// <summary>
    /// Removes the alias only while it names this user, guarded by its ETag: a sign-in that just
    /// moved the sub to another identity (or re-added it) keeps it.
    /// </summary>
    public async Task RemoveIfNamesAsync(string tenantId, string key, string userId, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.SubjectAliases, cancellationToken);
        var partition = Partitions.Spread(tenantId, key);
        var found = await table.GetEntityIfExistsAsync<SubjectAliasEntity>(partition, key, cancellationToken: cancellationToken);
        if (found.HasValue && found.Value!.UserId == userId)
        {
            try
            {
                await table.DeleteEntityAsync(partition, key, found.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Written again meanwhile: it is someone's current alias.
            }
        }
    }
}
