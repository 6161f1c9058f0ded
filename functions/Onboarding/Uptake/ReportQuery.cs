using System.Globalization;
using Onboarding.Common;

namespace Onboarding.Uptake;

/// <summary>A report's months and breakdown, validated.</summary>
public sealed record ReportQuery(DateOnly From, DateOnly To, string? By)
{
    public const int MaxMonths = 60;

    /// <summary>Months as <c>YYYY-MM</c>; defaults: the last twelve months up to the current one.</summary>
    public static ReportQuery Parse(string? from, string? to, string? by, DateTimeOffset now)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var end = string.IsNullOrEmpty(to) ? thisMonth : Bounded(Month(to, "to"), "to", thisMonth);
        var start = string.IsNullOrEmpty(from) ? end.AddMonths(-11) : Bounded(Month(from, "from"), "from", thisMonth);
        if (start > end)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "from must not be after to.");
        }

        if ((end.Year - start.Year) * 12 + end.Month - start.Month + 1 > MaxMonths)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, $"A report covers at most {MaxMonths} months.");
        }

        if (!string.IsNullOrEmpty(by) && !Dimensions.Breakdowns.Contains(by))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "by must be country, institution, role or failure.");
        }

        return new ReportQuery(start, end, string.IsNullOrEmpty(by) ? null : by);
    }

    public IEnumerable<DateOnly> Months()
    {
        for (var m = From; m <= To; m = m.AddMonths(1))
        {
            yield return m;
        }
    }

    /// <summary>The service counted nothing before 2000 and can count nothing a year ahead: outside, a clear 400 (not an overflow).</summary>
    private static DateOnly Bounded(DateOnly month, string name, DateOnly thisMonth) =>
        month >= Earliest && month <= thisMonth.AddYears(1)
            ? month
            : throw new OnboardingException(ApiError.ParameterInvalid, $"{name} must be a month from {Earliest:yyyy-MM} to a year from now.");

    private static readonly DateOnly Earliest = new(2000, 1, 1);

    private static DateOnly Month(string value, string name) =>
        DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month
            : throw new OnboardingException(ApiError.ParameterInvalid, $"{name} must be a month like 2026-11.");
}

/// <summary>The numbers of one month, or of one breakdown value in that month.</summary>
