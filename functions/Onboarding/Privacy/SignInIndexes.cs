using Onboarding.Users;

namespace Onboarding.Privacy;

/// <summary>
/// The index entries a sign-in's record needs, in the order that keeps a crash harmless: before the
/// record is written, the expiry entry (naming the email and alias keys) and then the email row and
/// alias (<see cref="AddAsync"/>); after it, what the record no longer needs (<see cref="RetireAsync"/>).
/// See <c>SignIn.SignInRecorder</c> for the whole write order.
/// </summary>
public sealed class SignInIndexes(EmailIndex emails, ExpiryIndex expiries, SubjectAliases aliases, StaleKeys staleKeys)
{
    /// <summary>
    /// The index entries the record is about to need and does not have yet; nothing for a same-day
    /// repeat. The expiry entry first: it names the email row and alias, so a crash after either of
    /// them leaves something the purge can clear (the two may then go together). Returns the life the
    /// entry was written with (null: not written).
    /// </summary>
    /// <param name="force">Write the entry even when nothing changed: an earlier attempt wrote it for another life.</param>
    public async Task<string?> AddAsync(string tenantId, SignInProfile profile, string? aliasKey, DateTimeOffset expiresAt,
        UserRecord? current, string? life, DateTimeOffset now, bool force, CancellationToken cancellationToken)
    {
        // A record past its expiry may be half-way through a purge that stopped (its email row or alias
        // already gone): it gets every entry again, as a new one would.
        var known = current is not null && current.ExpiresAt > now ? current : null;
        var emailChanged = profile.Email is { } email && (known?.Email is not { } had || EmailIndex.Normalise(had) != EmailIndex.Normalise(email));
        var aliasChanged = aliasKey is not null && known?.AliasKey != aliasKey;
        // The expiry entry names the index keys, so it is written again when one of them changes.
        var samePartition = known is not null
            && ExpiryIndex.Partition(tenantId, known.ExpiresAt, profile.UserId) == ExpiryIndex.Partition(tenantId, expiresAt, profile.UserId);
        string? written = null;
        if (!samePartition || emailChanged || aliasChanged || force)
        {
            var emailKey = profile.Email is null ? null : emails.KeyOf(profile.Email);
            // Written again in place (a change on the same day, or an attempt a crash stopped), it keeps
            // naming every key it named, and the keys about to be cleared: no other entry names them.
            var there = await expiries.FindAsync(tenantId, ExpiryKinds.User, profile.UserId, expiresAt, cancellationToken);
            var staleEmails = (there?.EmailKeys() ?? []).Append(samePartition && known!.Email is { } old ? emails.KeyOf(old) : null)
                .OfType<string>().Where(k => k != emailKey).Distinct(StringComparer.Ordinal).ToList();
            var staleAliases = (there?.AliasKeys() ?? []).Append(samePartition ? known!.AliasKey : null)
                .OfType<string>().Where(k => k != aliasKey).Distinct(StringComparer.Ordinal).ToList();
            // A new record's first sign-in is this attempt's moment, as the record has it.
            await expiries.AddAsync(tenantId, profile.UserId, expiresAt,
                new UserTraces(emailKey, aliasKey, current?.FirstSignInAt ?? now, life)
                {
                    StaleEmailKeys = staleEmails,
                    StaleAliasKeys = staleAliases,
                }, cancellationToken);
            written = life;
        }

        var writes = new List<Task>();
        if (emailChanged)
        {
            writes.Add(emails.AddAsync(tenantId, profile.Email!, profile.UserId, cancellationToken));
        }

        if (aliasChanged)
        {
            writes.Add(aliases.AddAsync(tenantId, aliasKey!, profile.UserId, cancellationToken));
        }

        await Task.WhenAll(writes);
        return written;
    }

    /// <summary>
    /// What the record no longer needs once it is written: with a new expiry day, the previous day's
    /// entry and what it names (<see cref="RetireEntryAsync"/>); on the same day, the old email row and
    /// alias, which the entry written again in place still names until they are gone.
    /// </summary>
    public Task RetireAsync(string tenantId, UserRecord user, UserRecord? before, bool counted, CancellationToken cancellationToken)
    {
        if (before is null)
        {
            return Task.CompletedTask;
        }

        if (counted && ExpiryIndex.Partition(tenantId, before.ExpiresAt, user.UserId) != ExpiryIndex.Partition(tenantId, user.ExpiresAt, user.UserId))
        {
            return RetireEntryAsync(tenantId, user, before, cancellationToken);
        }

        var oldEmail = before.Email is { } had && EmailIndex.Normalise(had) != EmailIndex.Normalise(user.Email ?? "") ? emails.KeyOf(had) : null;
        var oldAlias = before.AliasKey is { } alias && alias != user.AliasKey ? alias : null;
        return staleKeys.ForgetAsync(tenantId, user.UserId, oldEmail is null ? [] : [oldEmail], oldAlias is null ? [] : [oldAlias], cancellationToken);
    }

    /// <summary>
    /// The record's previous expiry entry goes — after the email row and alias it names that the
    /// record no longer holds (a change of address now, or one a crash stopped earlier that day), so
    /// that a crash in between leaves the entry, which the purge retires the same way.
    /// </summary>
    private async Task RetireEntryAsync(string tenantId, UserRecord user, UserRecord before, CancellationToken cancellationToken)
    {
        var entry = await expiries.FindAsync(tenantId, ExpiryKinds.User, user.UserId, before.ExpiresAt, cancellationToken);
        var held = user.Email is { } email ? emails.KeyOf(email) : null;
        await staleKeys.ForgetAsync(tenantId, user.UserId,
            (entry?.EmailKeys() ?? []).Append(before.Email is { } old ? emails.KeyOf(old) : null).OfType<string>().Where(k => k != held).ToList(),
            (entry?.AliasKeys() ?? []).Append(before.AliasKey).OfType<string>().Where(k => k != user.AliasKey).ToList(), cancellationToken);
        if (entry is not null)
        {
            await expiries.RemoveAsync(tenantId, ExpiryKinds.User, user.UserId, before.ExpiresAt, cancellationToken);
        }
    }
}
