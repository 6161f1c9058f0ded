using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>Everything the service stores about one user, for the person's right of access.</summary>
public sealed record PersonalData(
    string Tenant,
    string UserId,
    StoredRecord Record,
    DateTimeOffset ExpiresAt,
    int RetentionDays,
    bool EmailLookupEntry,
    bool SubjectAliasEntry,
    PartnerRecheck? PartnerRecheck,
    string NotStored);

public sealed record StoredRecord(
    string Issuer,
    string Subject,
    string? Email,
    bool? EmailVerified,
    string? Institution,
    string? Country,
    DateTimeOffset FirstSignInAt,
    DateTimeOffset LastSignInAt,
    int SignInCount,
    StoredStatus Status)
{
    /// <summary>What of the one user record the person gets back (every stored field but the keys the service made).</summary>
    public static StoredRecord From(UserRecord user) => new(user.Issuer, user.Subject, user.Email, user.EmailVerified, user.Institution,
        user.Country, user.FirstSignInAt, user.LastSignInAt, user.SignInCount, user.Status);
}

public sealed record PartnerRecheck(DateTimeOffset DueAt, DateTimeOffset Until);

public sealed class DataExport(UserStore users, EmailIndex emails, SubjectAliases aliases, RecheckSchedule rechecks)
{
    public const string NotStoredNote =
        "No tokens, passwords, names or entitlement values are stored. Login attempts are kept 10 minutes and hold no personal data.";

    public async Task<PersonalData?> ExportAsync(Tenant tenant, string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(tenant.Id, userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        var inEmailIndex = user.Email is { } email && (await emails.FindAsync(tenant.Id, email, cancellationToken)).Contains(userId);
        var aliased = user.AliasKey is { } alias && await aliases.FindAsync(tenant.Id, alias, cancellationToken) == userId;
        var recheck = await rechecks.FindAsync(tenant.Id, userId, cancellationToken);

        return new PersonalData(tenant.Id, userId,
            StoredRecord.From(user),
            user.ExpiresAt, (int)tenant.Retention.PersonalData.TotalDays, inEmailIndex, aliased,
            recheck is null ? null : new PartnerRecheck(recheck.DueAt, recheck.Until),
            NotStoredNote);
    }
}
