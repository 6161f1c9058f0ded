using System.Globalization;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Privacy;

namespace Onboarding.Staff;

public sealed record StaffSession(string TenantId, string ActorId, IReadOnlySet<StaffRole> Roles, DateTimeOffset ExpiresAt, string Value);

/// <summary>
/// The staff page's session: signed, at most one hour, carrying the tenant, the staff member's id
/// and roles as they were at sign-in. Anti-forgery tokens for the page's forms are bound to it.
/// </summary>
public sealed class StaffSessions(IOptions<PrivacyOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly SignedValues _signed = new(Convert.FromBase64String(options.Value.HmacSecret), "staff-session");

    public StaffSession Issue(string tenantId, string actorId, IReadOnlySet<StaffRole> roles)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var value = _signed.Protect("s1", tenantId, actorId, string.Join(',', roles.Order()),
            expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Secrets.Random(12));
        return new StaffSession(tenantId, actorId, roles, expires, value);
    }

    /// <summary>A genuine, unexpired staff session, whichever tenant it is for (the caller checks).</summary>
    public StaffSession? Read(string? value)
    {
        if (_signed.Unprotect(value) is not ["s1", var tenant, var actor, var roles, var expiry, _]
            || !long.TryParse(expiry, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var parsed = roles.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => Enum.TryParse<StaffRole>(r, out var role) ? role : (StaffRole?)null).OfType<StaffRole>().ToHashSet();
        return expiresAt > time.GetUtcNow() ? new StaffSession(tenant, actor, parsed, expiresAt, value!) : null;
    }

    public string AntiForgeryToken(StaffSession session) => _signed.Sign("csrf|" + session.Value);

    public bool IsValidAntiForgeryToken(StaffSession session, string? token) =>
        Secrets.FixedTimeEquals(AntiForgeryToken(session), token);

    /// <summary>
    /// The token of the staff page's own look-up links (GET), bound to the session like the forms'
    /// anti-forgery token but for another purpose: it ends up in addresses (history, the search form's
    /// query), so it must not also be the token that lets a POST erase someone.
    /// </summary>
    public string LinkToken(StaffSession session) => _signed.Sign("link|" + session.Value);

    public bool IsValidLinkToken(StaffSession session, string? token) =>
        Secrets.FixedTimeEquals(LinkToken(session), token);
}
