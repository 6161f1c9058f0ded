using Azure.Data.Tables;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>
/// The addresses staff pages name users by (the audit log): one point read per user, side by side,
/// that fetches the address alone — not the record, its status or anything else personal.
/// </summary>
public sealed class UserAddresses(TableClients tables)
{
    private static readonly string[] AddressOnly = [nameof(UserEntity.Email)];

    /// <summary>Each user's address (null: the record holds none); a user with no record is not in the answer.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> FindAsync(string tenantId, IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        var found = await Task.WhenAll(userIds.Select(async id =>
        {
            var read = await table.GetEntityIfExistsAsync<TableEntity>(UserEntity.PartitionOf(tenantId, id), id, AddressOnly, cancellationToken);
            return (id, read.HasValue ? read.Value : null);
        }));
        return found.Where(f => f.Item2 is not null)
            .ToDictionary(f => f.id, f => f.Item2!.GetString(nameof(UserEntity.Email)) is { Length: > 0 } email ? email : null, StringComparer.Ordinal);
    }
}
