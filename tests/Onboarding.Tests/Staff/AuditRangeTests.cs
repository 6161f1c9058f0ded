using Onboarding.Common;
using Onboarding.Staff;

namespace Onboarding.Tests.Staff;

public sealed class AuditRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_Defaults_TheLast30Days() =>
        Assert.Equal((Now.AddDays(-30), Now), AuditRange.Parse(null, null, Now));

    [Fact]
    public void Parse_ThirteenMonths_Allowed_ToInclusiveOfItsDay()
    {
        var (from, to) = AuditRange.Parse("2025-11-01", "2026-11-30", Now);

        Assert.Equal(new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero), from);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1), to);
    }

    [Theory]
    [InlineData("0001-01-01", null, "from must be a date")]        // once 24,311 queries and a 500
    [InlineData("9999-12-01", null, "from must be a date")]        // once an overflow
    [InlineData(null, "9999-12-31", "to must be a date")]
    [InlineData("2024-01-01", "2026-11-30", "at most 397 days")]
    [InlineData("2026-11-02", "2026-11-01", "from must not be after to")]
    [InlineData("yesterday", null, "from must be a date")]
    public void Parse_OutOfBounds_ClearMessage(string? from, string? to, string message)
    {
        var error = Assert.Throws<OnboardingException>(() => AuditRange.Parse(from, to, Now));

        Assert.Equal(ApiError.ParameterInvalid, error.Error);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
    }
}
