using Microsoft.Playwright;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>Screenshots of the pages (the person's, the dashboard), kept as test artefacts (<c>.artifacts/journey/</c>); <c>docs/journey/</c> is refreshed from them.</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var path = Path.Combine(TestEnvironment.Artifacts, "journey", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0, $"empty screenshot at {path}");
    }
}
