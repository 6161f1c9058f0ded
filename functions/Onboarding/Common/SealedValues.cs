using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Onboarding.Common;

/// <summary>
/// Values the service hands out that must stay secret as well as genuine (the sealed login state,
/// the staff session with its access token): AES-256-GCM with a key derived (HKDF-SHA-256) from the
/// deployment secret for one purpose only, a fresh 96-bit nonce per value, and associated data the
/// caller binds the value to (a tenant, a purpose), so a value is unreadable and unforgeable without
/// the secret and never passes where it was not made for.
/// </summary>
public sealed class SealedValues(byte[] deploymentSecret, string purpose, string version)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, deploymentSecret, 32, info: Encoding.UTF8.GetBytes(purpose));

    /// <summary><paramref name="version"/> followed by base64url(nonce, ciphertext, tag).</summary>
    public string Seal(ReadOnlySpan<byte> plain, string associatedData)
    {
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length),
            Encoding.UTF8.GetBytes(associatedData));
        return version + Base64UrlEncoder.Encode(sealedBytes);
    }

    /// <summary>The plain bytes of a genuine value for this associated data; null for anything else.</summary>
    public byte[]? Unseal(string? value, string associatedData, int maxLength)
    {
        if (value is null || value.Length > maxLength || !value.StartsWith(version, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var sealedBytes = Base64UrlEncoder.DecodeBytes(value[version.Length..]);
            if (sealedBytes.Length < NonceSize + TagSize + 2)
            {
                return null;
            }

            var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length),
                sealedBytes.AsSpan(NonceSize + plain.Length), plain, Encoding.UTF8.GetBytes(associatedData));
            return plain;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
