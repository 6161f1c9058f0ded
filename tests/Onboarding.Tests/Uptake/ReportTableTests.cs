using Onboarding.Uptake;

namespace Onboarding.Tests.Uptake;

public sealed class ReportTableTests
{
    private static readonly UptakeCounts Small = new(3, 4, 9, 3, 2, 1, 1, 12);
    private static readonly UptakeCounts Big = new(40, 55, 120, 40, 30, 20, 10, 6.5, ReturnedMonth1: 12, ReturnedMonth3: 7);

    [Fact]
    public void Cells_InABreakdown_CountsBelowTheThresholdSuppressed_ZeroIncluded_LargeShown()
    {
        var cells = ReportTable.Cells(Small with { VoMember = 0 }, suppressBelow: 5);

        Assert.Equal("<5", cells["signups"]);
        Assert.Equal("<5", cells["active_users"]);
        Assert.Equal(9L, cells["sign_ins"]);
        Assert.Equal("<5", cells["vo_member"]); // a visible 0 next to an exact total would give the others away
        Assert.Null(cells["median_days_to_ready"]); // a median over one person would single them out
    }

    [Fact]
    public void Cells_ThresholdOfOne_TurnsSuppressionOff() =>
        Assert.Equal(0L, ReportTable.Cells(Small with { VoMember = 0 }, suppressBelow: 1)["vo_member"]);

    [Fact]
    public void Cells_Totals_AlwaysExact()
    {
        var cells = ReportTable.Cells(Small, suppressBelow: null);

        Assert.Equal(3L, cells["signups"]);
        Assert.Equal(12.0, cells["median_days_to_ready"]);
    }

    [Fact]
    public void Csv_Rfc4180_HeaderRowCrLfAndQuotedFields()
    {
        var months = new[]
        {
            new MonthUptake("demo", "2026-03", Big, [new BreakdownCounts("Vrije Universiteit, \"VU\" Brussel", Big), new BreakdownCounts("vito.be", Small)]),
        };

        var csv = ReportTable.Csv(months, "institution", 5, withTenant: false);

        var lines = csv.Split("\r\n");
        Assert.Equal("month,institution,signups,active_users,sign_ins,signed_in,vo_member,partners_linked,ready,median_days_to_ready,"
            + "returned_month_1,returned_month_3,returned_month_6", lines[0]);
        Assert.Equal("2026-03,(total),40,55,120,40,30,20,10,6.5,12,7,0", lines[1]);
        Assert.Equal("2026-03,\"Vrije Universiteit, \"\"VU\"\" Brussel\",40,55,120,40,30,20,10,6.5,12,7,<5", lines[2]);
        Assert.Equal("2026-03,vito.be,<5,<5,9,<5,<5,<5,<5,,<5,<5,<5", lines[3]);
        Assert.Equal("", lines[4]); // the last record ends with CRLF too
    }

    [Fact]
    public void CsvRows_ManyValues_ComeInBlocksOfWholeRows_EveryRowOnce_InOrder()
    {
        var months = new[] { "2026-02", "2026-03" }.Select(m => new MonthUptake("demo", m, Big,
            Enumerable.Range(0, 600).Select(i => new BreakdownCounts($"inst{i}.example.org", Big with { SignUps = i })).ToList())).ToList();

        var blocks = ReportTable.CsvRows(months, "institution", 5, withTenant: false).ToList();

        Assert.InRange(blocks.Count, 4, 6); // 1,202 rows, 250 a block
        Assert.All(blocks, b => Assert.EndsWith("\r\n", b, StringComparison.Ordinal));
        var rows = string.Concat(blocks).Split("\r\n")[..^1];
        Assert.Equal(1_202, rows.Length);
        Assert.Equal("2026-02,(total),40,55,120,40,30,20,10,6.5,12,7,0", rows[0]);
        Assert.Equal("2026-02,inst0.example.org,<5,55,120,40,30,20,10,6.5,12,7,<5", rows[1]);
        Assert.Equal("2026-02,inst599.example.org,599,55,120,40,30,20,10,6.5,12,7,<5", rows[600]);
        Assert.Equal("2026-03,(total),40,55,120,40,30,20,10,6.5,12,7,0", rows[601]);
        Assert.Equal("2026-03,inst599.example.org,599,55,120,40,30,20,10,6.5,12,7,<5", rows[^1]);
    }

    [Fact]
    public void Csv_Totals_HaveFailedSignIns_AndTheBreakdownByReasonHasOnlyThem()
    {
        var month = new MonthUptake("demo", "2026-03", Big with { FailedSignIns = 9 },
            [new BreakdownCounts("LoginAttemptExpired", new UptakeCounts(0, 0, 0, 0, 0, 0, 0, null, FailedSignIns: 7)),
             new BreakdownCounts("SignInRefused", new UptakeCounts(0, 0, 0, 0, 0, 0, 0, null, FailedSignIns: 2))]);

        var byReason = ReportTable.Csv([month], "failure", 5, withTenant: false).Split("\r\n");
        Assert.Equal(["month,failure,failed_sign_ins", "2026-03,(total),9", "2026-03,LoginAttemptExpired,7", "2026-03,SignInRefused,<5", ""], byReason);

        var totals = ReportTable.Csv([month with { Breakdown = [] }], null, 5, withTenant: false).Split("\r\n");
        Assert.EndsWith(",returned_month_6,failed_sign_ins", totals[0], StringComparison.Ordinal);
        Assert.EndsWith(",12,7,0,9", totals[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_AcrossTenants_HasATenantColumn() =>
        Assert.StartsWith("tenant,month,breakdown,", ReportTable.Csv([], null, 5, withTenant: true), StringComparison.Ordinal);

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void Quote_OnlyWhenNeeded(string field, string expected) => Assert.Equal(expected, ReportTable.Quote(field));

    [Theory]
    [InlineData(new[] { 3 }, new long[] { 1 }, 3.0)]
    [InlineData(new[] { 0, 54 }, new long[] { 1, 1 }, 27.0)]
    [InlineData(new[] { 1, 2, 10 }, new long[] { 2, 1, 2 }, 2.0)]
    [InlineData(new[] { 1, 10 }, new long[] { 2, 2 }, 5.5)]
    public void Median_OfTheDaysHistogram_IsExact(int[] days, long[] counts, double expected)
    {
        var values = new ValueCounts();
        foreach (var (day, count) in days.Zip(counts))
        {
            values.Add(Metrics.DaysToReady(day), count);
        }

        values.Add(Metrics.SignUps, 99); // other metrics go elsewhere

        Assert.Equal(expected, UptakeReports.Median(values.DaysToReady));
    }
}
