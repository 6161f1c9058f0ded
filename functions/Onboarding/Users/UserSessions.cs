using System.Globalization;
using Microsoft.Extensions.Options;
using Onboarding.Common;

namespace Onboarding.Users;

/// <summary>A browser's short self-service session: which user of which tenant, until when.</summary>
public sealed record UserSession(string TenantId, string UserId, DateTimeOffset ExpiresAt, string Value);

/// <summary>
/// Stateless, signed session values for the person's own pages (status, their data, erasure) after
/// a browser sign-in; and anti-forgery tokens bound to a session. Every instance accepts them and
/// nobody without the deployment secret can make one.
/// </summary>
public sealed class UserSessions(IOptions<PrivacyOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly SignedValues _signed = new(Convert.FromBase64String(options.Value.HmacSecret), "user-session");

    public UserSession Issue(string tenantId, string userId)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var value = _signed.Protect("u1", tenantId, userId, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Secrets.Random(12));
        return new UserSession(tenantId, userId, expires, value);
    }

    /// <summary>The session a cookie value stands for, if it is genuine, unexpired and for this tenant.</summary>
    public UserSession? Read(string tenantId, string? value)
    {
        if (_signed.Unprotect(value) is not ["u1", var tenant, var user, var expiry, _]
            || tenant != tenantId || !long.TryParse(expiry, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return expiresAt > time.GetUtcNow() ? new UserSession(tenant, user, expiresAt, value!) : null;
    }

    /// <summary>The anti-forgery token a form of this session must carry.</summary>
    public string AntiForgeryToken(UserSession session) => _signed.Sign("csrf|" + session.Value);

    public bool IsValidAntiForgeryToken(UserSession session, string? token) =>
        Secrets.FixedTimeEquals(AntiForgeryToken(session), token);
}
