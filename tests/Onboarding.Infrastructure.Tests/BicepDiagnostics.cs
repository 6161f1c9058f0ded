using System.Text.RegularExpressions;

namespace Onboarding.Infrastructure.Tests;

/// <summary>Which lines of the Bicep CLI's output fail the build.</summary>
public static partial class BicepDiagnostics
{
    /// <summary>
    /// Every error, every compiler (BCP) warning and every linter warning, except
    /// use-recent-api-versions: that one depends on today's date, so it is reported but tolerated.
    /// </summary>
    public static IReadOnlyList<string> Failing(BicepResult result) =>
        result.Diagnostics.Where(line => !TolerableWarning().IsMatch(line)).ToList();

    [GeneratedRegex(@" : Warning use-recent-api-versions: ")]
    private static partial Regex TolerableWarning();
}
