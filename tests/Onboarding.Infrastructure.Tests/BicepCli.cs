using System.Diagnostics;
using System.Reflection;

namespace Onboarding.Infrastructure.Tests;

/// <summary>What one run of the Bicep CLI printed.</summary>
public sealed record BicepResult(string Command, int ExitCode, string Output)
{
    /// <summary>Diagnostic lines ("file(line,col) : Level code: message"), in the order printed.</summary>
    public IReadOnlyList<string> Diagnostics =>
        Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(" : Error ", StringComparison.Ordinal)
                || line.Contains(" : Warning ", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
}

/// <summary>
/// The Bicep CLI from the NuGet package restored by the PackageDownload in the project file. Its
/// path is written into the assembly at build time from $(NuGetPackageRoot); BICEP_PATH overrides it.
/// </summary>
public sealed class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private BicepCli(string path) => Path = path;

    public string Path { get; }

    public static BicepCli Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("BICEP_PATH");
        var candidates = new[] { fromEnvironment, Metadata("BicepPath"), FromNuGetFolder() }
            .Where(path => !string.IsNullOrWhiteSpace(path))
            .Select(path => path!)
            .ToList();
        var path = candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            "The Bicep CLI was not found. Restore the test project (its PackageDownload of "
            + $"Azure.Bicep.CommandLine.linux-x64 {Metadata("BicepVersion")}) or set BICEP_PATH. Looked in: "
            + string.Join(", ", candidates));

        // NuGet does not always keep the executable bit when it extracts a package.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | execute);
            }
        }
        return new BicepCli(path);
    }

    public static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; see the project file.");

    public async Task<BicepResult> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = (await stdout) + (await stderr);
        return new BicepResult("bicep " + string.Join(' ', arguments), process.ExitCode, output);
    }

    private static string? FromNuGetFolder()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(root))
        {
            root = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
        return System.IO.Path.Combine(root, "azure.bicep.commandline.linux-x64", Metadata("BicepVersion"), "tools", "bicep");
    }
}
