using Azure;
using Azure.Data.Tables;
using Onboarding.Storage;

namespace Onboarding.SignIn;

/// <summary>
/// Remembers which bearer tokens were already counted as a sign-in (partition = tenant, row = hash
/// of the token), for as long as a token can live. Across instances, a token counts exactly once.
/// </summary>
public sealed class TokenSightingEntity : TableRow, IExpiringEntity
{
    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class TokenSightings(TableStore tables)
{
    /// <summary>True the first time this token is seen; false every time after.</summary>
    public async Task<bool> FirstSightingAsync(string tenantId, string tokenHash, DateTimeOffset expiresAt,
        CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.TokenSightings, cancellationToken);
        try
        {
            await table.AddEntityAsync(new TokenSightingEntity { PartitionKey = tenantId, RowKey = tokenHash, ExpiresAt = expiresAt },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await ExpiringEntities.PurgeAsync(await tables.GetAsync(Table.TokenSightings, cancellationToken), now, limit, cancellationToken);
}
