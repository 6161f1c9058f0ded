using Azure;
using Onboarding.Storage;

namespace Onboarding.SignIn;

/// <summary>
/// A state that has been used (partition = tenant spread by the row key, row = SHA-256 of the state),
/// kept until the attempt would have expired, so a replayed callback finds it. The state itself is
/// never stored. Nothing is written at <c>/login</c>: only a callback that passed every check before
/// the code exchange writes one row.
/// </summary>
public sealed class ConsumedStateEntity : TableRow, IExpiringEntity
{
    /// <summary>Random per consumption: the same callback's own retry after a lost answer is told from a replay.</summary>
    public string ConsumedBy { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class ConsumedStates(TableClients tables)
{
    public static string PartitionOf(string tenantId, string stateHash) => Partitions.Spread(tenantId, stateHash);

    /// <summary>
    /// Marks the state used with a conditional insert. Of two callbacks racing with the same state,
    /// exactly one gets true; a replay gets false. A retry of our own insert whose answer was lost
    /// finds its own mark and still gets true.
    /// </summary>
    public async Task<bool> TryConsumeAsync(string tenantId, string stateHash, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.ConsumedStates, cancellationToken);
        var mark = new ConsumedStateEntity
        {
            PartitionKey = PartitionOf(tenantId, stateHash),
            RowKey = stateHash,
            ConsumedBy = Common.Secrets.Random(12),
            ExpiresAt = expiresAt,
        };
        try
        {
            await table.AddEntityAsync(mark, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var found = await table.GetEntityIfExistsAsync<ConsumedStateEntity>(mark.PartitionKey, mark.RowKey, cancellationToken: cancellationToken);
            return found.HasValue && found.Value!.ConsumedBy == mark.ConsumedBy;
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await ExpiringEntities.PurgeAsync(await tables.GetAsync(Table.ConsumedStates, cancellationToken), now, limit, cancellationToken);
}
