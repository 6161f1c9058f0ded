namespace Onboarding.Infrastructure.Tests;

/// <summary>Assertions that print every violation in full, not a truncated collection.</summary>
public static class Violations
{
    public static void AssertNone(IReadOnlyList<string> violations, string? context = null)
    {
        if (violations.Count > 0)
        {
            Assert.Fail((context is null ? "" : context + "\n") + string.Join("\n", violations));
        }
    }
}
