using System.Text.Json;
using Microsoft.Playwright;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// axe-core (npm, pinned in package-lock.json) run inside the page: every WCAG 2.x A/AA rule and
/// best practice it knows. Evaluated through Playwright rather than added as a script tag, which the
/// pages' Content-Security-Policy would (rightly) block.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() => File.ReadAllText(Path.Combine(RepoRoot(), "node_modules", "axe-core", "axe.min.js")));

    public static async Task AssertNoViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(Source.Value);
        }

        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join('; ')}`)
            """);
        var found = violations.EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.True(found.Count == 0, $"axe-core found on {page.Url}:\n" + string.Join('\n', found));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Onboarding.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Onboarding.sln not found above " + AppContext.BaseDirectory);
    }
}
