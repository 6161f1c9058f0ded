using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Onboarding.Common;

/// <summary>
/// Keyed hashes of identifiers, so logs can tell events of one user apart from another's without
/// naming anyone: without the deployment secret the reference cannot be linked back.
/// </summary>
public sealed class Pseudonymizer(IOptions<PrivacyOptions> options)
{
    private readonly byte[] _key = Convert.FromBase64String(options.Value.HmacSecret);

    /// <summary>A short, stable reference to a user for log lines.</summary>
    public string LogReference(string userId) => Hash("log", userId)[..16];

    public string Hash(string purpose, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(purpose + "\n" + value)));
}
