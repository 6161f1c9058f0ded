using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>
/// Clears the email rows and aliases an expiry entry names that its user no longer holds — what a
/// change of address (or of sub) left behind when a crash stopped it between the record's write and
/// the old row's removal. Whoever retires an entry calls this first (the sign-in that replaces it,
/// the purge, an erasure), so that no row outlives every entry that names it. Safe to repeat.
/// </summary>
public sealed class StaleKeys(EmailIndex emails, SubjectAliases aliases)
{
    /// <param name="heldEmailKey">The email key the user holds now (kept); null when the user has none or is gone.</param>
    /// <param name="heldAliasKey">The alias key the user holds now (kept); null when the user has none or is gone.</param>
    public Task ForgetAsync(string tenantId, ExpiryEntity entry, string? heldEmailKey, string? heldAliasKey, CancellationToken cancellationToken)
    {
        var userId = ExpiryIndex.KeyOf(entry);
        var work = NotHeld(heldEmailKey, entry.EmailKey, entry.StaleEmailKey)
            .Select(key => emails.RemoveKeyAsync(tenantId, key, userId, cancellationToken))
            .Concat(NotHeld(heldAliasKey, entry.AliasKey, entry.StaleAliasKey)
                .Select(key => aliases.RemoveIfNamesAsync(tenantId, key, userId, cancellationToken)));
        return Task.WhenAll(work);
    }

    private static IEnumerable<string> NotHeld(string? held, params string?[] named) =>
        named.OfType<string>().Where(key => key != held).Distinct(StringComparer.Ordinal);
}
