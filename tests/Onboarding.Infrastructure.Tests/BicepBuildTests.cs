using System.Text.Json;
using System.Text.Json.Nodes;

namespace Onboarding.Infrastructure.Tests;

/// <summary>Every Bicep file builds and lints cleanly with the pinned CLI and infra/bicepconfig.json.</summary>
public sealed class BicepBuildTests(InfraBuild infra)
{
    [Fact]
    public void Lint_EveryBicepAndParameterFile_ReportsNoErrorOrWarning()
    {
        Violations.AssertNone(BicepDiagnostics.Failing(infra.Lint), infra.Lint.Command);
        Assert.True(infra.Lint.ExitCode == 0, $"{infra.Lint.Command} exited with {infra.Lint.ExitCode}:\n{infra.Lint.Output}");
    }

    [Fact]
    public void Build_EveryBicepFile_CompilesWithoutTypeWarnings()
    {
        Violations.AssertNone(BicepDiagnostics.Failing(infra.Build), infra.Build.Command);
        Assert.True(infra.Build.ExitCode == 0, $"{infra.Build.Command} exited with {infra.Build.ExitCode}:\n{infra.Build.Output}");
        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", (string?)infra.MainTemplate["$schema"]);
    }

    [Fact]
    public void BuildParams_EveryParameterFile_Compiles()
    {
        Violations.AssertNone(BicepDiagnostics.Failing(infra.BuildParams), infra.BuildParams.Command);
        Assert.True(infra.BuildParams.ExitCode == 0, $"{infra.BuildParams.Command} exited with {infra.BuildParams.ExitCode}:\n{infra.BuildParams.Output}");
    }

    [Theory]
    [InlineData(InfraBuild.TestEnvironmentParametersFile)]
    [InlineData(InfraBuild.AllOptionsParametersFile)]
    public void Snapshot_ParameterFile_PredictsResourcesWithoutDiagnostics(string parameterFile)
    {
        var snapshot = infra.SnapshotOf(parameterFile);

        Assert.NotEmpty(snapshot.Resources);
        Assert.Empty(snapshot.Root["diagnostics"]?.AsArray() ?? []);
    }

    [Fact]
    public void Failing_TypeWarningOrLinterError_IsReported()
    {
        var output = """
            /infra/main.bicep(3,10) : Warning BCP081: Resource type "Microsoft.Web/sites@2099-01-01" does not have types available.
            /infra/main.bicep(4,10) : Warning use-recent-api-versions: Use more recent API version for 'Microsoft.Web/sites'.
            /infra/modules/x.bicep(1,5) : Error no-unused-vars: Variable "unused" is declared but never used.
            """;

        var failing = BicepDiagnostics.Failing(new BicepResult("bicep lint", 0, output));

        Assert.Collection(failing,
            line => Assert.Contains("Warning BCP081", line, StringComparison.Ordinal),
            line => Assert.Contains("Error no-unused-vars", line, StringComparison.Ordinal));
    }

    [Fact]
    public void BicepConfig_CoreRules_AreErrorsExceptRecentApiVersions()
    {
        var path = Path.Combine(infra.SourceDirectory, "bicepconfig.json");
        var config = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        })!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();

        // The rules Bicep turns on by default; each must be listed, so that none stays a warning.
        string[] core =
        [
            "adminusername-should-not-be-literal", "artifacts-parameters", "decompiler-cleanup", "max-asserts",
            "max-outputs", "max-params", "max-resources", "max-variables", "nested-deployment-template-scoping",
            "no-conflicting-metadata", "no-deployments-resources", "no-explicit-any", "no-hardcoded-env-urls",
            "no-unnecessary-dependson", "no-unused-existing-resources", "no-unused-imports", "no-unused-params",
            "no-unused-types", "no-unused-vars", "outputs-should-not-contain-secrets", "prefer-interpolation",
            "prefer-unquoted-property-names", "protect-commandtoexecute-secrets", "secure-parameter-default",
            "secure-params-in-nested-deploy", "secure-secrets-in-params", "simplify-interpolation",
            "simplify-json-null", "use-parent-property", "use-recent-az-powershell-version",
            "use-resource-symbol-reference", "use-safe-access", "use-secure-value-for-secure-inputs",
            "use-stable-resource-identifiers", "use-stable-vm-image",
        ];
        Assert.NotEqual(false, (bool?)config["analyzers"]!["core"]!["enabled"]);
        Assert.All(core, rule => Assert.True(rules.ContainsKey(rule), $"bicepconfig.json does not list the core rule {rule}"));
        Assert.All(rules, rule => Assert.Equal(
            rule.Key == "use-recent-api-versions" ? "warning" : "error",
            (string?)rule.Value?["level"]));
    }
}
