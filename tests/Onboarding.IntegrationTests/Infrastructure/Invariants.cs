using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.Privacy;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// The checker run after race and fault tests: reads the tenant's users, email rows, aliases and
/// expiry entries straight from storage and fails on any broken link between them.
/// </summary>
public static class Invariants
{
    /// <param name="orphansAllowed">
    /// After faults, an entry whose user is gone may remain (an index written before a failed record
    /// write, an erasure stopped after its commit point) — but only when an expiry entry names it, so
    /// that the purge clears it. Without faults, nothing may name a user who is not there.
    /// </param>
    public static async Task AssertConsistentAsync(ServiceHost service, string tenant, bool orphansAllowed)
    {
        var users = (await service.UsersAsync(tenant)).ToDictionary(u => u.RowKey);
        var emails = service.Services.GetRequiredService<EmailIndex>();
        var expiries = new List<ExpiryEntity>();
        await foreach (var entry in service.Table("expiries").QueryAsync<ExpiryEntity>())
        {
            if (entry.PartitionKey.StartsWith(tenant + "_", StringComparison.Ordinal))
            {
                expiries.Add(entry);
            }
        }

        foreach (var user in users.Values)
        {
            if (user.Email is { } email)
            {
                Assert.Contains(user.RowKey, await emails.FindAsync(tenant, email, TestContext.Current.CancellationToken));
            }

            Assert.True(expiries.Any(e => e.PartitionKey == ExpiryIndex.Partition(tenant, user.ExpiresAt, user.RowKey)
                && e.RowKey == ExpiryIndex.Row(ExpiryKinds.User, user.RowKey)), $"user {user.RowKey[..8]} has no expiry entry for {user.ExpiresAt:yyyy-MM-dd}");
            if (user.AliasKey is { } alias)
            {
                Assert.True((await service.Table("subjectaliases").GetEntityIfExistsAsync<TableEntity>(Storage.Partitions.Spread(tenant, alias), alias)).HasValue,
                    $"user {user.RowKey[..8]} has no alias row");
            }
        }

        await foreach (var row in service.Table("emailindex").QueryAsync<EmailIndexEntity>())
        {
            foreach (var id in row.UserIds.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(id => !users.ContainsKey(id)))
            {
                Assert.True(orphansAllowed && expiries.Any(e => ExpiryIndex.KeyOf(e) == id && e.EmailKey == row.RowKey),
                    $"the email row names {id[..8]}, who is gone{(orphansAllowed ? ", and no expiry entry names the row" : "")}");
            }
        }

        foreach (var entry in expiries.Where(e => !users.ContainsKey(ExpiryIndex.KeyOf(e))))
        {
            Assert.True(orphansAllowed, $"an expiry entry names {ExpiryIndex.KeyOf(entry)[..8]}, who is gone");
        }
    }
}
