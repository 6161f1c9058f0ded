using System.Globalization;
using Azure.Data.Tables;

using Onboarding.Storage;

namespace Onboarding.Uptake;

/// <summary>
/// The uptake table (partition = tenant and month) holds two kinds of rows side by side, so that a
/// marker and the counters it guards change in one entity-group transaction:
/// counters <c>c|{dimension}|{value}|{metric}</c> with a <see cref="Count"/>, and per-user markers
/// <c>a|{user hash}</c> (active this month) and <c>s|{user hash}|{stage}</c> (cohort stage reached).
/// </summary>
public sealed class UptakeEntity : TableRow
{
    /// <summary>For counters only.</summary>
    public long Count { get; set; }
}

public static class Metrics
{
    public const string SignUps = "signups";
    public const string ActiveUsers = "active";
    public const string SignIns = "signins";
    public const string Member = "member";
    public const string PartnersLinked = "linked";
    public const string Ready = "ready";

    /// <summary>Histogram of days from sign-up to ready, for an exact median: <c>days0000</c>…</summary>
    public static string DaysToReady(int days) => $"days{Math.Clamp(days, 0, 9999):D4}";
}

public static class Dimensions
{
    public const string Total = "total";
    public const string Country = "country";
    public const string Institution = "institution";
    public const string Role = "role";

    public static readonly string[] Breakdowns = [Country, Institution, Role];
}

public static class UptakeKeys
{
    public static string Partition(string tenantId, DateTimeOffset at) =>
        $"{tenantId}_{at.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture)}";

    public static string Partition(string tenantId, int year, int month) => $"{tenantId}_{year:D4}{month:D2}";

    // '|' separates the parts; a value holding one (an odd institution name) cannot split a key.
    public static string Counter(string dimension, string value, string metric) =>
        $"c|{dimension}|{value.Replace('|', '/')}|{metric}";

    public static string ActiveMarker(string userHash) => $"a|{userHash}";

    public static string StageMarker(string userHash, string stage) => $"s|{userHash}|{stage}";
}
