namespace Onboarding.Tests;

public static class RepoRoot
{
    /// <summary>The repository's root, found from the test assembly's folder upwards.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Onboarding.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Onboarding.sln not found above " + AppContext.BaseDirectory);
    }
}
