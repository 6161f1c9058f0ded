using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Storage;

/// <summary>
/// Spreads one tenant's rows over <see cref="Buckets"/> partitions: <c>{prefix}~{bucket}</c>, the bucket
/// a hex digit of the SHA-256 of the row key. Azure Table storage serves about 2,000 entities/s per
/// partition and 20,000 per account, so a tenant whose rows shared one partition was capped at 2,000
/// sign-in writes/s per table; spread over 16 it is bounded by the account. A point read stays a
/// point read (the bucket follows from the key); a scan of one tenant reads 16 partitions.
/// </summary>
public static class Partitions
{
    public const int Buckets = 16;

    /// <summary>'~' sorts after every letter and digit, so a prefix's partitions form one key range.</summary>
    public const char Separator = '~';

    public static string Spread(string prefix, string rowKey) => $"{prefix}{Separator}{Bucket(rowKey)}";

    /// <summary>Every partition of a prefix, in key order.</summary>
    public static IEnumerable<string> All(string prefix) =>
        Enumerable.Range(0, Buckets).Select(b => $"{prefix}{Separator}{b:x}");

    /// <summary>The prefix of a spread partition (the tenant, or tenant and period).</summary>
    public static string PrefixOf(string partition)
    {
        var at = partition.LastIndexOf(Separator);
        return at < 0 ? partition : partition[..at];
    }

    private static char Bucket(string rowKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(rowKey), hash);
        return "0123456789abcdef"[hash[0] & 0x0f];
    }
}
