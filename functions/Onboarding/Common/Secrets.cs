using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.Common;

/// <summary>Random values and one-way hashes in the URL-safe form the protocols use.</summary>
public static class Secrets
{
    /// <summary>A random value from the OS's cryptographic generator, base64url without padding.</summary>
    public static string Random(int bytes = 32) => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    public static string Sha256(string value) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Compares secrets without leaking how many leading characters matched.</summary>
    public static bool FixedTimeEquals(string? a, string? b) =>
        a is not null && b is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
