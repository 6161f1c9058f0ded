using System.Globalization;

namespace Onboarding.Pages;

/// <summary>How pages write values: dates as ISO days in UTC, the same for every reader.</summary>
public static class Display
{
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
