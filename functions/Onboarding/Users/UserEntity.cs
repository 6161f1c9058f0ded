using System.Text.Json;
using Onboarding.Storage;

namespace Onboarding.Users;

/// <summary>
/// The one stored shape of a user (partition = tenant spread over 16 buckets by user id, see
/// <see cref="Partitions"/>; row = user id). Its properties are the whole of what the service keeps
/// about a person. The partition also holds the user's outbox rows (<see cref="Outbox"/>).
/// </summary>
public sealed class UserEntity : TableRow
{
    public static string PartitionOf(string tenantId, string userId) => Partitions.Spread(tenantId, userId);

    [System.Runtime.Serialization.IgnoreDataMember]
    public string TenantId => Partitions.PrefixOf(PartitionKey);

    public string Issuer { get; set; } = "";
    public string Subject { get; set; } = "";
    public string? Email { get; set; }

    /// <summary>Whether the provider said it verified <see cref="Email"/>; null when it said nothing.</summary>
    public bool? EmailVerified { get; set; }

    public string? Institution { get; set; }
    public string? Country { get; set; }
    public DateTimeOffset FirstSignInAt { get; set; }
    public DateTimeOffset LastSignInAt { get; set; }
    public int SignInCount { get; set; }

    /// <summary>When the personal data goes unless the person signs in again (the tenant's retention after the last sign-in).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The key of the person's row in the subject-alias index (an HMAC, not the sub), when they have one.</summary>
    public string? AliasKey { get; set; }

    /// <summary>
    /// A random id of the write that produced this version. When storage's answer to a write is lost
    /// and the retry meets a conflict (409, 412), the writer reads the record again and finds its own
    /// id: the write landed, and is not applied a second time (a sign-in counted twice).
    /// </summary>
    public string? WriteId { get; set; }

    /// <summary>
    /// A random id of this record's life, from the first sign-in to the erasure: a person erased who
    /// signs in again is a new life, counted anew, and each life's uptake markers are its own — even
    /// when a crash kept an earlier life's markers for the purge to clear. Null on records written
    /// before lives were kept (their markers are keyed on the user alone).
    /// </summary>
    public string? Life { get; set; }

    /// <summary>The institution this record has a row for in <see cref="SearchIndex"/> (null: none).</summary>
    public string? IndexedInstitution { get; set; }

    /// <summary>The country this record has a row for in <see cref="SearchIndex"/> (null: none).</summary>
    public string? IndexedCountry { get; set; }

    /// <summary>
    /// The day of the last sign-in its index rows carry (<see cref="SearchIndex.Day"/>); null on a
    /// record from before the country index, which <see cref="SearchIndexBackfill"/> brings up to date.
    /// </summary>
    public string? IndexedDay { get; set; }

    /// <summary>The onboarding status (<see cref="StoredStatus"/>) as JSON: states, roles, first-completed times.</summary>
    public string? Status { get; set; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public StoredStatus ReadStatus() =>
        Status is null ? StoredStatus.Empty : JsonSerializer.Deserialize<StoredStatus>(Status, Json) ?? StoredStatus.Empty;

    public void WriteStatus(StoredStatus status) => Status = JsonSerializer.Serialize(status, Json);

    public UserRecord ToRecord() => new(TenantId, RowKey, Issuer, Subject, Email, Institution, Country,
        FirstSignInAt, LastSignInAt, SignInCount, ExpiresAt, ReadStatus(), AliasKey, EmailVerified, Life);
}
