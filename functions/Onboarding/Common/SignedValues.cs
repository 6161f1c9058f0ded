using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.Common;

/// <summary>
/// Values the service hands out and must later trust again (session cookies, anti-forgery tokens):
/// fields joined with '|', base64url, and an HMAC-SHA-256 signature with a key derived from the
/// deployment secret for one purpose only, so a value made for one purpose never passes for another.
/// </summary>
public sealed class SignedValues(byte[] deploymentSecret, string purpose)
{
    private readonly byte[] _key = HMACSHA256.HashData(deploymentSecret, Encoding.UTF8.GetBytes(purpose));

    /// <remarks>'|' separates the fields, so no field may hold one: a field that did would shift the
    /// others when read back (a user id ending in "|x" would read as two fields, and the expiry as
    /// something else). What is signed here are ids, hashes and numbers the service made itself, so a
    /// '|' in one is a bug, refused loudly rather than signed.</remarks>
    public string Protect(params string[] fields)
    {
        if (fields.Any(f => f.Contains('|', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A signed field may not contain '|', which separates the fields.", nameof(fields));
        }

        var payload = string.Join('|', fields);
        return Base64UrlEncoder.Encode(payload) + "." + Sign(payload);
    }

    /// <summary>The fields of a genuine value, or null for anything forged, altered or malformed.</summary>
    public string[]? Unprotect(string? value)
    {
        var dot = value?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (value is null || dot <= 0 || value.Length > 1024)
        {
            return null;
        }

        try
        {
            var payload = Base64UrlEncoder.Decode(value[..dot]);
            return Secrets.FixedTimeEquals(Sign(payload), value[(dot + 1)..]) ? payload.Split('|') : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public string Sign(string data) => Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(data)));
}
