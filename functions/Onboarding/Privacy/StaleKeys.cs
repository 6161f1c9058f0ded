using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>
/// Clears the email rows and aliases an expiry entry names that its user no longer holds — what a
/// change of address (or of sub) left behind when a crash stopped it between the record's write and
/// the old row's removal. Whoever retires an entry calls this first (the sign-in that replaces it,
/// the purge, an erasure), so that no row outlives every entry that names it. Safe to repeat.
/// </summary>
/// <remarks>
/// Before removing anything it reads the record again, and keeps what the record holds now: a
/// newer sign-in may have switched back to an address this one is clearing (A → B → A). The window
/// between that read and the removal remains; it needs two sign-ins of one person switching
/// addresses within milliseconds.
/// </remarks>
public sealed class StaleKeys(EmailIndex emails, SubjectAliases aliases, UserStore users)
{
    /// <param name="heldEmailKey">The email key the user holds now (kept); null when the user has none or is gone.</param>
    /// <param name="heldAliasKey">The alias key the user holds now (kept); null when the user has none or is gone.</param>
    public Task ForgetAsync(string tenantId, ExpiryEntity entry, string? heldEmailKey, string? heldAliasKey, CancellationToken cancellationToken) =>
        ForgetAsync(tenantId, ExpiryIndex.KeyOf(entry), entry.EmailKeys().Where(k => k != heldEmailKey).ToList(),
            entry.AliasKeys().Where(k => k != heldAliasKey).ToList(), cancellationToken);

    /// <summary>Takes the user off these email rows and aliases, unless their record holds one of them now.</summary>
    public async Task ForgetAsync(string tenantId, string userId, IReadOnlyCollection<string> emailKeys, IReadOnlyCollection<string> aliasKeys,
        CancellationToken cancellationToken)
    {
        if (emailKeys.Count == 0 && aliasKeys.Count == 0)
        {
            return;
        }

        var now = await users.FindEntityAsync(tenantId, userId, cancellationToken);
        var heldEmail = now?.Email is { } email ? emails.KeyOf(email) : null;
        await Task.WhenAll(emailKeys.Distinct(StringComparer.Ordinal).Where(k => k != heldEmail)
            .Select(key => emails.RemoveKeyAsync(tenantId, key, userId, cancellationToken))
            .Concat(aliasKeys.Distinct(StringComparer.Ordinal).Where(k => k != now?.AliasKey)
                .Select(key => aliases.RemoveIfNamesAsync(tenantId, key, userId, cancellationToken))));
    }
}
