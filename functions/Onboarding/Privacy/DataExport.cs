using Azure.Data.Tables;
using Onboarding.Status;
using Onboarding.Storage;
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
    StoredStatus Status);

public sealed record PartnerRecheck(DateTimeOffset DueAt, DateTimeOffset Until);

public sealed class DataExport(UserStore users, EmailIndex emails, SubjectAliases aliases, TableStore tables)
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
        var rechecks = await tables.GetAsync(Table.PartnerRechecks, cancellationToken);
        var recheck = await rechecks.GetEntityIfExistsAsync<PartnerRecheckEntity>(tenant.Id, userId, cancellationToken: cancellationToken);

        return new PersonalData(tenant.Id, userId,
            new StoredRecord(user.Issuer, user.Subject, user.Email, user.EmailVerified, user.Institution, user.Country,
                user.FirstSignInAt, user.LastSignInAt, user.SignInCount, user.Status),
            user.ExpiresAt, (int)tenant.Retention.PersonalData.TotalDays, inEmailIndex, aliased,
            recheck.HasValue ? new PartnerRecheck(recheck.Value!.DueAt, recheck.Value.Until) : null,
            NotStoredNote);
    }
}
