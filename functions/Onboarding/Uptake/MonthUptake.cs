namespace Onboarding.Uptake;

/// <param name="ReturnedMonth1">Of the month's sign-up cohort, how many signed in again the month after (and so on).</param>
/// <param name="FailedSignIns">Sign-ins that failed in the month (any reason; by reason under <c>by=failure</c>).</param>
public sealed record UptakeCounts(long SignUps, long ActiveUsers, long SignIns, long SignedIn, long VoMember, long PartnersLinked,
    long Ready, double? MedianDaysToReady, long ReturnedMonth1 = 0, long ReturnedMonth3 = 0, long ReturnedMonth6 = 0, long FailedSignIns = 0);

public sealed record BreakdownCounts(string Value, UptakeCounts Counts);

/// <summary>One value's sums over a report's months, for a top list.</summary>
public sealed record TopValue(string Value, long SignUps, long ActiveUserMonths, long Ready);

public sealed record MonthUptake(string Tenant, string Month, UptakeCounts Totals, IReadOnlyList<BreakdownCounts> Breakdown);
