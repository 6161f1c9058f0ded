using System.Globalization;
using Onboarding.Storage;

namespace Onboarding.Uptake;

/// <summary>
/// The uptake table (partition = tenant and month) holds summary rows (<see cref="UptakeSummaries"/>:
/// one per dimension, whatever the number of users), for a quarter of an hour the
/// <see cref="AppliedEventEntity"/> rows of the events just counted, and each instance's
/// <see cref="FailureShardEntity"/> of the month's failed sign-ins (<c>f|{instance}</c>).
/// </summary>
/// <summary>
/// <c>e|{event id}</c> in a counter partition, added in the same transaction as the event's counts:
/// the proof that the event is counted, so a drain repeated after a crash or a lost answer skips it.
/// </summary>
public sealed class AppliedEventEntity : TableRow
{
    public string OutboxPartition { get; set; } = "";
    public string OutboxRow { get; set; } = "";
    public DateTimeOffset AppliedAt { get; set; }
}

/// <summary>
/// A per-user marker of the uptake-markers table (partition = counter partition spread by the user
/// hash): <c>a|{user hash}</c> (active this month), <c>s|{user hash}|{stage}</c> (cohort stage
/// reached) or <c>r{k}|{user hash}</c> (signed in again k months after sign-up). The first event to add it counts the metric; it names that event, so the same event
/// retried after a crash still counts (once) and any other finds it taken.
/// </summary>
public sealed class MarkerEntity : TableRow
{
    public string EventId { get; set; } = "";
}

public static class Metrics
{
    public const string SignUps = "signups";
    public const string ActiveUsers = "active";
    public const string SignIns = "signins";
    public const string Member = "member";
    public const string PartnersLinked = "linked";
    public const string Ready = "ready";

    /// <summary>The months after sign-up in which returning users are counted: the 1st, 3rd and 6th.</summary>
    public static readonly int[] ReturnMonths = [1, 3, 6];

    /// <summary>People of a sign-up cohort who signed in again <paramref name="months"/> calendar months later.</summary>
    public static string Returned(int months) => $"returned{months}";

    /// <summary>Failed sign-ins (in the totals; by reason under <see cref="Dimensions.Failure"/>).</summary>
    public const string Failed = "failed";

    /// <summary>Histogram of days from sign-up to ready, for an exact median: <c>days0000</c>…</summary>
    public static string DaysToReady(int days) => $"days{Math.Clamp(days, 0, 9999):D4}";
}

public static class Dimensions
{
    public const string Total = "total";
    public const string Country = "country";
    public const string Institution = "institution";
    public const string Role = "role";

    /// <summary>Failed sign-ins by reason (the error code); counted from tallies, never per person.</summary>
    public const string Failure = "failure";

    public static readonly string[] Breakdowns = [Country, Institution, Role, Failure];
}

public static class UptakeKeys
{
    public static string Partition(string tenantId, DateTimeOffset at) =>
        $"{tenantId}_{at.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture)}";

    public static string Partition(string tenantId, int year, int month) => $"{tenantId}_{year:D4}{month:D2}";

    public static string ActiveMarker(string userHash) => $"a|{userHash}";

    public static string StageMarker(string userHash, string stage) => $"s|{userHash}|{stage}";

    /// <summary>
    /// In the cohort's partition: signed in again <paramref name="months"/> months after signing up.
    /// It dedupes only within that month, so it goes once the month is over (with the activity markers).
    /// </summary>
    public static string ReturnMarker(string userHash, int months) => $"r{months}|{userHash}";

    /// <summary>Calendar months from the first sign-in's month to <paramref name="at"/>'s (0 in the same month).</summary>
    public static int MonthsAfter(DateTimeOffset firstSignInAt, DateTimeOffset at) =>
        ((at.UtcDateTime.Year - firstSignInAt.UtcDateTime.Year) * 12) + at.UtcDateTime.Month - firstSignInAt.UtcDateTime.Month;

    public static string Applied(string eventId) => $"e|{eventId}";

    /// <summary>Where a person's markers of one counter partition live.</summary>
    public static string MarkerPartition(string counterPartition, string userHash) => Partitions.Spread(counterPartition, userHash);

    /// <summary>Every stage marker a person can have in their cohort (for erasure).</summary>
    public static readonly string[] Stages = [Metrics.SignUps, Metrics.Member, Metrics.PartnersLinked, Metrics.Ready, "days"];
}
