using Onboarding.Common;

namespace Onboarding.Tests.Common;

public sealed class CsvTests
{
    /// <summary>RFC 4180 quoting, and no cell a spreadsheet would run as a formula (OWASP "CSV Injection").</summary>
    [Theory]
    [InlineData("alice@vito.be", "alice@vito.be")]
    [InlineData("=HYPERLINK(\"http://x\")@uni.org", "\"'=HYPERLINK(\"\"http://x\"\")@uni.org\"")]
    [InlineData("+1@uni.org", "'+1@uni.org")]
    [InlineData("-2@uni.org", "'-2@uni.org")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\r\nbreak", "\"line\r\nbreak\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Text_QuotedAndFormulaSafe(string? field, string expected) => Assert.Equal(expected, Csv.Text(field));

    [Fact]
    public void Row_EndsWithCrLf() => Assert.Equal("a,\"b,c\"\r\n", Csv.Row(["a", Csv.Quote("b,c")]));
}
