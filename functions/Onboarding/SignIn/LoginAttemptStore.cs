using Azure;
using Azure.Data.Tables;
using Onboarding.Storage;

namespace Onboarding.SignIn;

/// <summary>
/// A started login, kept server-side until its callback (partition = tenant spread by the row key,
/// row = hash of state).
/// The state itself is never stored: a leaked table does not reveal live states.
/// </summary>
public sealed class LoginAttemptEntity : TableRow, IExpiringEntity
{
    public string Nonce { get; set; } = "";
    public string CodeVerifier { get; set; } = "";
    public string? ReturnTo { get; set; }

    /// <summary><c>staff</c> when the login is for the staff page; null for a person's own sign-in.</summary>
    public string? Purpose { get; set; }

    /// <summary>Hash of the random value in the browser's login cookie.</summary>
    public string BrowserBinding { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class LoginAttemptStore(TableStore tables)
{
    public static string PartitionOf(string tenantId, string stateHash) => Partitions.Spread(tenantId, stateHash);

    public async Task SaveAsync(LoginAttemptEntity attempt, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.LoginAttempts, cancellationToken);
        await table.AddEntityAsync(attempt, cancellationToken);
    }

    public async Task<LoginAttemptEntity?> FindAsync(string tenantId, string stateHash, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.LoginAttempts, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<LoginAttemptEntity>(PartitionOf(tenantId, stateHash), stateHash, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Deletes the attempt only if it is unchanged since it was read. Of two callbacks racing with
    /// the same state, exactly one gets true; a replay finds nothing.
    /// </summary>
    public async Task<bool> TryConsumeAsync(LoginAttemptEntity attempt, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.LoginAttempts, cancellationToken);
        try
        {
            // The SDK reports a delete of a missing entity as success (404 in the response), so the
            // status is what tells the winner of a race from the loser.
            var response = await table.DeleteEntityAsync(attempt.PartitionKey, attempt.RowKey, attempt.ETag, cancellationToken);
            return response.Status is >= 200 and < 300;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        await ExpiringEntities.PurgeAsync(await tables.GetAsync(Table.LoginAttempts, cancellationToken), now, limit, cancellationToken);
}
