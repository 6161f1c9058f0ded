using Azure.Data.Tables;
using Onboarding.Users;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.Privacy;

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

        await AssertSearchIndexExactAsync(service, tenant, users);

        foreach (var user in users.Values)
        {
            if (user.Email is { } email)
            {
                Assert.Contains(user.RowKey, await emails.FindAsync(tenant, email, TestContext.Current.CancellationToken));
            }

            var own = expiries.SingleOrDefault(e => e.PartitionKey == ExpiryIndex.Partition(tenant, user.ExpiresAt, user.RowKey)
                && e.RowKey == ExpiryIndex.Row(ExpiryKinds.User, user.RowKey));
            Assert.True(own is not null, $"user {user.RowKey[..8]} has no expiry entry for {user.ExpiresAt:yyyy-MM-dd}");
            // The entry names what the record holds (and, after a crash, perhaps what a change was about
            // to hold), and where its markers are: the purge works from it alone.
            Assert.True(user.Email is not { } held || own.EmailKeys().Contains(emails.KeyOf(held)), $"user {user.RowKey[..8]}'s expiry entry does not name their email row");
            Assert.True(user.AliasKey is null || own.AliasKeys().Contains(user.AliasKey), $"user {user.RowKey[..8]}'s expiry entry does not name their alias");
            Assert.True(own.Life == user.Life, $"user {user.RowKey[..8]}'s expiry entry is of another life");
            Assert.True(own.FirstSignInAt?.ToString("yyyy-MM") == user.FirstSignInAt.ToString("yyyy-MM"),
                $"user {user.RowKey[..8]}'s expiry entry puts their markers in another month");
            if (user.AliasKey is { } alias)
            {
                Assert.True((await service.Table("subjectaliases").GetEntityIfExistsAsync<TableEntity>(Storage.Partitions.Spread(tenant, alias), alias)).HasValue,
                    $"user {user.RowKey[..8]} has no alias row");
            }
        }

        // A row that names someone who does not hold it (gone, or moved to another address) must be
        // named by an expiry entry, which clears it when retired; otherwise it would stay for ever.
        bool Named(string id, Func<ExpiryEntity, bool> names) => orphansAllowed && expiries.Any(e => ExpiryIndex.KeyOf(e) == id && names(e));
        await foreach (var row in service.Table("emailindex").QueryAsync<EmailIndexEntity>())
        {
            if (Storage.Partitions.PrefixOf(row.PartitionKey) != tenant)
            {
                continue;
            }

            foreach (var id in row.UserIds.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(id => !users.TryGetValue(id, out var user) || user.Email is not { } held || emails.KeyOf(held) != row.RowKey))
            {
                Assert.True(Named(id, e => e.EmailKeys().Contains(row.RowKey)),
                    $"the email row names {id[..8]}, who {(users.ContainsKey(id) ? "no longer holds it" : "is gone")}{(orphansAllowed ? ", and no expiry entry names the row" : "")}");
            }
        }

        try
        {
            await foreach (var row in service.Table("subjectaliases").QueryAsync<Users.SubjectAliasEntity>())
            {
                if (Storage.Partitions.PrefixOf(row.PartitionKey) == tenant
                    && (!users.TryGetValue(row.UserId, out var user) || user.AliasKey != row.RowKey))
                {
                    Assert.True(Named(row.UserId, e => e.AliasKeys().Contains(row.RowKey)),
                        $"an alias row names {row.UserId[..8]}, who {(users.ContainsKey(row.UserId) ? "no longer holds it" : "is gone")}");
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No alias was ever written (a tenant keyed on sub): the table is not there.
        }

        foreach (var entry in expiries.Where(e => !users.ContainsKey(ExpiryIndex.KeyOf(e))))
        {
            Assert.True(orphansAllowed, $"an expiry entry names {ExpiryIndex.KeyOf(entry)[..8]}, who is gone");
        }
    }

    /// <summary>
    /// The search index follows its record exactly (same partition, same transaction): a row per
    /// institution and country the record notes, carrying the record's sort values; none without its record.
    /// </summary>
    public static async Task AssertSearchIndexExactAsync(ServiceHost service, string tenant, IReadOnlyDictionary<string, UserEntity>? known = null)
    {
        var users = known ?? (await service.UsersAsync(tenant)).ToDictionary(u => u.RowKey);
        var (first, last) = (Onboarding.Storage.Partitions.All(tenant).First(), Onboarding.Storage.Partitions.All(tenant).Last());
        var indexRows = new Dictionary<string, Azure.Data.Tables.TableEntity>(StringComparer.Ordinal);
        await foreach (var row in service.Table("users").QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter(
            $"PartitionKey ge {first} and PartitionKey le {last} and RowKey ge {Onboarding.Users.SearchIndex.Prefix} and RowKey lt {Onboarding.Users.SearchIndex.End}")))
        {
            indexRows[row.RowKey] = row;
        }

        var expected = users.Values.SelectMany(u => new[]
        {
            u.IndexedInstitution is { } i ? Onboarding.Users.SearchIndex.Row(Onboarding.Users.SearchField.Institution, i, u.RowKey) : null,
            u.IndexedCountry is { } c && u.IndexedDay is not null ? Onboarding.Users.SearchIndex.Row(Onboarding.Users.SearchField.Country, c, u.RowKey) : null,
        }).OfType<string>();
        Assert.Equal(expected.Order(StringComparer.Ordinal), indexRows.Keys.Order(StringComparer.Ordinal));
        Assert.All(users.Values, u => Assert.True(u.IndexedInstitution is null || u.IndexedInstitution == u.Institution,
            $"user {u.RowKey[..8]}'s index row names another institution"));
        foreach (var u in users.Values.Where(u => u.IndexedDay is not null))
        {
            Assert.True(u.IndexedCountry == u.Country && u.IndexedDay == Onboarding.Users.SearchIndex.Day(u.LastSignInAt), $"user {u.RowKey[..8]}'s index rows lag");
            foreach (var key in indexRows.Keys.Where(k => k.EndsWith("|" + u.RowKey, StringComparison.Ordinal)))
            {
                var row = indexRows[key];
                Assert.Equal((u.Institution, u.Country, u.IndexedDay), (row.GetString("Institution"), row.GetString("Country"), row.GetString("Day")));
            }
        }
    }
}
