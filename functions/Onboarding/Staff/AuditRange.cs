using System.Globalization;
using Onboarding.Common;

namespace Onboarding.Staff;

/// <summary>The window of an audit-log read, validated and bounded.</summary>
public static class AuditRange
{
    /// <summary>At most this long a window per request: each month is a partition read, so a window costs what it spans.</summary>
    public const int MaxDays = 397; // 13 months

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Dates (yyyy-MM-dd, UTC) or timestamps; <c>to</c> is inclusive of its whole day.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Parse(string? from, string? to, DateTimeOffset now)
    {
        var end = string.IsNullOrEmpty(to) ? now : EndOf(Read(to, "to", now), to);
        var start = string.IsNullOrEmpty(from) ? end.AddDays(-30) : Read(from, "from", now);
        if (start > end)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "from must not be after to.");
        }

        if (end - start > TimeSpan.FromDays(MaxDays))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, $"The audit log is read at most {MaxDays} days (13 months) at a time.");
        }

        return (start, end);
    }

    /// <summary>A date from 2000 to tomorrow: anything else is a clear 400, never an overflow or a scan of centuries.</summary>
    private static DateTimeOffset Read(string value, string name, DateTimeOffset now) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
        && parsed >= Earliest && parsed <= now.AddDays(1)
            ? parsed
            : throw new OnboardingException(ApiError.ParameterInvalid, $"{name} must be a date like 2026-11-28, from 2000 to today.");

    private static DateTimeOffset EndOf(DateTimeOffset parsed, string raw) => raw.Length == 10 ? parsed.AddDays(1).AddTicks(-1) : parsed;
}
