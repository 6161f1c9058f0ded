using Onboarding.Common;
using Onboarding.Uptake;

namespace Onboarding.Tests.Uptake;

public sealed class ReportQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_Defaults_TheLastTwelveMonths()
    {
        var query = ReportQuery.Parse(null, null, null, Now);

        Assert.Equal(new DateOnly(2025, 12, 1), query.From);
        Assert.Equal(new DateOnly(2026, 11, 1), query.To);
        Assert.Equal(12, query.Months().Count());
        Assert.Null(query.By);
    }

    [Fact]
    public void Parse_SixtyMonths_Allowed() =>
        Assert.Equal(60, ReportQuery.Parse("2022-01", "2026-12", "role", Now).Months().Count());

    [Theory]
    [InlineData("2026-05", "2026-04", null, "from must not be after to")]
    [InlineData("2021-12", "2026-12", null, "at most 60 months")]
    [InlineData("2026-01", "2026-02", "email", "by must be")]
    [InlineData("2026-13", "2026-12", null, "from must be a month")]
    [InlineData("26-01", null, null, "from must be a month")]
    [InlineData(null, "2026/11", null, "to must be a month")]
    [InlineData("9995-01", "9999-12", null, "must be a month from 2000-01")]   // once an overflow, a 500
    [InlineData(null, "0001-01", null, "to must be a month from 2000-01")]
    [InlineData("1999-12", "2000-06", null, "from must be a month from 2000-01")]
    public void Parse_BadParameters_ClearMessage(string? from, string? to, string? by, string message)
    {
        var error = Assert.Throws<OnboardingException>(() => ReportQuery.Parse(from, to, by, Now));

        Assert.Equal(ApiError.ParameterInvalid, error.Error);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
    }
}
