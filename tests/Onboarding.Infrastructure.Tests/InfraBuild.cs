using System.Text.Json.Nodes;

[assembly: AssemblyFixture(typeof(Onboarding.Infrastructure.Tests.InfraBuild))]

namespace Onboarding.Infrastructure.Tests;

/// <summary>
/// Runs the Bicep CLI once for the whole test run, on a copy of infra/ in a temporary folder (so
/// that nothing is written into the work tree): lint and build of every file, the compiled
/// template, and a snapshot (the resources a deployment would create, with every value that does
/// not depend on the deployment itself worked out) for each parameter set.
/// </summary>
public sealed class InfraBuild : IAsyncLifetime
{
    /// <summary>Fixed deployment context for the snapshots; no Azure call is made.</summary>
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000001";
    public const string ResourceGroup = "rg-onboarding-ci";
    public const string TenantId = "00000000-0000-0000-0000-000000000002";

    /// <summary>
    /// A second parameter set that turns every option on, so that the conditional parts of the
    /// template (vault operator role, custom domain, private vault, partners) are checked too.
    /// </summary>
    public const string AllOptionsParameters = """
        using '../main.bicep'

        param environmentName = 'ci'
        param tenantIds = [
          'demo'
          'other'
          'third-tenant'
        ]
        param partnerIds = [
          'terrascope'
          'eo-partner'
        ]
        param publicBaseUrl = 'https://onboarding.example.org'
        param vaultOperatorPrincipalId = '11111111-1111-1111-1111-111111111111'
        param vaultOperatorPrincipalType = 'Group'
        param keyVaultPublicNetworkAccess = 'Disabled'
        param alwaysReadyHttpInstances = 2
        """;

    public const string AllOptionsParametersFile = "env/ci-all-options.bicepparam";
    public const string TestEnvironmentParametersFile = "env/test.bicepparam";

    private DirectoryInfo? _work;

    public string SourceDirectory { get; } = BicepCli.Metadata("InfraDirectory");

    public BicepResult Lint { get; private set; } = null!;

    public BicepResult Build { get; private set; } = null!;

    public BicepResult BuildParams { get; private set; } = null!;

    /// <summary>main.bicep compiled to an ARM template.</summary>
    public JsonObject MainTemplate { get; private set; } = null!;

    /// <summary>Snapshots by parameter file (relative to infra/).</summary>
    public IReadOnlyDictionary<string, Snapshot> Snapshots { get; private set; } = null!;

    public IReadOnlyList<BicepResult> SnapshotRuns { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var bicep = BicepCli.Locate();
        _work = Directory.CreateTempSubdirectory("onboarding-infra-");
        var infra = Path.Combine(_work.FullName, "infra");
        var output = Path.Combine(_work.FullName, "out");
        CopyDirectory(SourceDirectory, infra);
        await File.WriteAllTextAsync(Path.Combine(infra, AllOptionsParametersFile), AllOptionsParameters, cancellationToken);

        // Each run starts a large self-contained executable; run them side by side.
        var lint = bicep.RunAsync(infra, cancellationToken, "lint", "--pattern", "**/*.bicep*");
        var build = bicep.RunAsync(infra, cancellationToken, "build", "--pattern", "**/*.bicep", "--outdir", output);
        var buildParams = bicep.RunAsync(infra, cancellationToken, "build-params", "--pattern", "**/*.bicepparam", "--outdir", Path.Combine(output, "params"));
        string[] parameterFiles = [TestEnvironmentParametersFile, AllOptionsParametersFile];
        var snapshots = parameterFiles.Select(file => bicep.RunAsync(infra, cancellationToken,
            "snapshot", file, "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup,
            "--tenant-id", TenantId, "--location", "westeurope")).ToList();

        Lint = MapPaths(await lint, infra);
        Build = MapPaths(await build, infra);
        BuildParams = MapPaths(await buildParams, infra);
        SnapshotRuns = (await Task.WhenAll(snapshots)).Select(run => MapPaths(run, infra)).ToList();

        var mainJson = Path.Combine(output, "main.json");
        MainTemplate = File.Exists(mainJson)
            ? (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(mainJson, cancellationToken))!
            : [];
        var loaded = new Dictionary<string, Snapshot>(StringComparer.Ordinal);
        foreach (var file in parameterFiles)
        {
            var path = Path.Combine(infra, Path.ChangeExtension(file, ".snapshot.json"));
            if (File.Exists(path))
            {
                loaded[file] = new Snapshot((JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken))!);
            }
        }
        Snapshots = loaded;
    }

    public ValueTask DisposeAsync()
    {
        _work?.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>The snapshot of a parameter file; fails the test with the CLI's output if it is missing.</summary>
    public Snapshot SnapshotOf(string parameterFile)
    {
        if (Snapshots.TryGetValue(parameterFile, out var snapshot))
        {
            return snapshot;
        }
        var runs = string.Join("\n", SnapshotRuns.Select(run => $"{run.Command} → {run.ExitCode}\n{run.Output}"));
        throw new InvalidOperationException($"No snapshot of {parameterFile}; the Bicep CLI said:\n{runs}");
    }

    // Diagnostics name the copy in the temporary folder; show the file in the work tree instead.
    private BicepResult MapPaths(BicepResult result, string copy) =>
        result with { Output = result.Output.Replace(copy, SourceDirectory.TrimEnd('/', '\\'), StringComparison.Ordinal) };

    private static void CopyDirectory(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            // Leave out anything a local run of build.sh or the CLI may have left behind.
            if (file.EndsWith(".json", StringComparison.Ordinal) && !file.EndsWith("bicepconfig.json", StringComparison.Ordinal))
            {
                continue;
            }
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }
}
