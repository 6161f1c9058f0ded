using Azure.Data.Tables;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.Storage;

namespace Onboarding.Users;

public enum SearchField
{
    Institution,
    Country,
    Email,
}

/// <summary>
/// The staff's searches over a tenant's users: by country (a property filter over the tenant's
/// partitions) and by institution prefix (the institution index). Point reads by id and email are
/// the store's and the email index's.
/// </summary>
public sealed class UserSearch(TableClients tables, UserStore users)
{
    /// <summary>
    /// Users of a tenant with this institution or country, a page at a time; the continuation is the
    /// storage's own, so paging goes as far as there are users.
    /// </summary>
    public async Task<(IReadOnlyList<UserRecord> Users, string? Continuation)> QueryAsync(string tenantId, SearchField attribute,
        string value, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        // The tenant's 16 partitions form one key range; outbox rows have neither attribute.
        var (first, last) = (Partitions.All(tenantId).First(), Partitions.All(tenantId).Last());
        var filter = attribute == SearchField.Country
            ? TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey le {last} and Country eq {value}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey le {last} and Institution eq {value}");
        await foreach (var page in table.QueryAsync<UserEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(continuation, pageSize))
        {
            return (page.Values.Select(u => u.ToRecord()).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>
    /// Users whose institution starts with <paramref name="prefix"/> (<see cref="InstitutionIndex"/>: a key-range
    /// read of each partition, then one point read per user found), by institution; the record decides, so a
    /// row a change left behind for a moment shows nobody. The continuation is opaque.
    /// </summary>
    public async Task<(IReadOnlyList<UserRecord> Users, string? Continuation)> FindByInstitutionAsync(string tenantId, string prefix,
        string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(Table.Users, cancellationToken);
        string? after = null;
        try
        {
            after = continuation is null ? null : System.Text.Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(continuation));
        }
        catch (FormatException)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "The continuation is not one this search gave.");
        }

        var (found, next) = await InstitutionIndex.FindAsync(table, tenantId, prefix, after, pageSize, cancellationToken);
        var records = await Task.WhenAll(found.Select(f => users.FindEntityAsync(tenantId, f.UserId, cancellationToken)));
        var shown = records.Select((r, i) => (Record: r, Indexed: found[i].Institution))
            .Where(p => p.Record is not null && p.Record.Institution == p.Indexed)
            .Select(p => p.Record!.ToRecord()).ToList();
        return (shown, next is null ? null : Base64UrlEncoder.Encode(next));
    }
}
