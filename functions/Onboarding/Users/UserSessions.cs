using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Onboarding.Common;
using Onboarding.Privacy;

namespace Onboarding.Users;

/// <summary>A browser's short self-service session: which user of which tenant, until when.</summary>
public sealed record UserSession(string TenantId, string UserId, DateTimeOffset ExpiresAt, string Value);

/// <summary>
/// Stateless, signed session values for the person's own pages (status, their data, erasure) after
/// a browser sign-in; and anti-forgery tokens bound to a session. Signed with a key derived from
/// the deployment secret, so every instance accepts them and nobody else can make one.
/// </summary>
public sealed class UserSessions(IOptions<PrivacyOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly byte[] _key = HMACSHA256.HashData(Convert.FromBase64String(options.Value.HmacSecret),
        Encoding.UTF8.GetBytes("user-session"));

    public UserSession Issue(string tenantId, string userId)
    {
        var expires = time.GetUtcNow() + Lifetime;
        var payload = string.Join('|', "u1", tenantId, userId,
            expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Secrets.Random(12));
        var value = Base64UrlEncoder.Encode(payload) + "." + Sign(payload);
        return new UserSession(tenantId, userId, expires, value);
    }

    /// <summary>The session a cookie value stands for, if it is genuine, unexpired and for this tenant.</summary>
    public UserSession? Read(string tenantId, string? value)
    {
        var dot = value?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (value is null || dot <= 0 || value.Length > 512)
        {
            return null;
        }

        string payload;
        try
        {
            payload = Base64UrlEncoder.Decode(value[..dot]);
        }
        catch (FormatException)
        {
            return null;
        }

        var parts = payload.Split('|');
        if (!Secrets.FixedTimeEquals(Sign(payload), value[(dot + 1)..]) || parts is not ["u1", var tenant, var user, var expiry, _]
            || tenant != tenantId || !long.TryParse(expiry, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return expiresAt > time.GetUtcNow() ? new UserSession(tenant, user, expiresAt, value) : null;
    }

    /// <summary>The anti-forgery token a form of this session must carry.</summary>
    public string AntiForgeryToken(UserSession session) => Sign("csrf|" + session.Value);

    public bool IsValidAntiForgeryToken(UserSession session, string? token) =>
        Secrets.FixedTimeEquals(AntiForgeryToken(session), token);

    private string Sign(string data) => Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(data)));
}
