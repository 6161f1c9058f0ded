using System.Text.Json.Nodes;

namespace Onboarding.Infrastructure.Tests;

/// <summary>
/// The security promises of the deployment, checked on the snapshot of main.bicep for each
/// parameter file; each check is also shown to fail on a copy broken on purpose.
/// </summary>
public sealed class TemplateSecurityTests(InfraBuild infra)
{
    public static TheoryData<string> ParameterFiles => [InfraBuild.TestEnvironmentParametersFile, InfraBuild.AllOptionsParametersFile];

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void StorageAccount_AllowsOnlyEntraIdOverHttpsWithTls12(string parameterFile) =>
        Violations.AssertNone(TemplateRules.StorageAccountsAllowOnlyEntraIdOverTls12(infra.SnapshotOf(parameterFile)));

    [Theory]
    [InlineData("allowSharedKeyAccess", true)]
    [InlineData("allowBlobPublicAccess", true)]
    [InlineData("supportsHttpsTrafficOnly", false)]
    [InlineData("minimumTlsVersion", "TLS1_0")]
    [InlineData("minimumTlsVersion", null)]
    public void StorageAccountCheck_WeakenedAccount_ReportsIt(string property, object? value)
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        var properties = snapshot.One(TemplateRules.StorageAccountType)["properties"]!.AsObject();
        Set(properties, property, value);

        var violations = TemplateRules.StorageAccountsAllowOnlyEntraIdOverTls12(snapshot);

        Assert.Contains(violations, violation => violation.Contains(property, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void FunctionApp_IsHttpsOnlyWithTls12AndNoBasicPublishing(string parameterFile) =>
        Violations.AssertNone(TemplateRules.SitesAreHttpsOnlyWithTls12(infra.SnapshotOf(parameterFile)));

    [Theory]
    [InlineData("httpsOnly", false)]
    [InlineData("siteConfig.minTlsVersion", "1.0")]
    [InlineData("siteConfig.ftpsState", "AllAllowed")]
    public void SiteCheck_WeakenedSite_ReportsIt(string property, object? value)
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        var properties = snapshot.One(TemplateRules.SiteType)["properties"]!.AsObject();
        var parts = property.Split('.');
        var target = parts.Length == 2 ? properties[parts[0]]!.AsObject() : properties;
        Set(target, parts[^1], value);

        var violations = TemplateRules.SitesAreHttpsOnlyWithTls12(snapshot);

        Assert.Contains(violations, violation => violation.Contains(parts[^1], StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void FunctionApp_LeavesCorsToTheApp(string parameterFile) =>
        Violations.AssertNone(TemplateRules.SitesLeaveCorsToTheApp(infra.SnapshotOf(parameterFile)));

    [Fact]
    public void CorsCheck_APlatformOrigin_ReportsIt()
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        var cors = snapshot.One(TemplateRules.SiteType)["properties"]!["siteConfig"]!["cors"]!.AsObject();
        cors["allowedOrigins"] = new System.Text.Json.Nodes.JsonArray("https://editor.openeo.cloud");

        Assert.Contains(TemplateRules.SitesLeaveCorsToTheApp(snapshot), v => v.Contains("allowedOrigins", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void AppSettings_SecretsAreKeyVaultReferences(string parameterFile) =>
        Violations.AssertNone(TemplateRules.SecretSettingsAreKeyVaultReferences(infra.SnapshotOf(parameterFile)));

    [Theory]
    [InlineData("Privacy__HmacSecret", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==")]
    [InlineData("TenantSecrets__demo", "the-client-secret")]
    [InlineData("TenantSecrets__demo", "@Microsoft.KeyVault(VaultName=kv;SecretName=x) plus a literal")]
    [InlineData("PartnerSecrets__terrascope", "the-partner-client-secret")]
    [InlineData("PartnerSecrets__terrascope", "@Microsoft.KeyVault(VaultName=kv;SecretName=x) plus a literal")]
    [InlineData("PartnerSecrets__eo_partner", "")]
    [InlineData("Partner__ApiKey", "abc123")]
    [InlineData("Smtp__Password", "hunter2")]
    [InlineData("Storage__ConnectionString", "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==")]
    [InlineData("Storage__TableServiceUri", "https://st.table.core.windows.net/?sv=2024&sig=abc")]
    [InlineData("AzureWebJobsStorage", "UseDevelopmentStorage=true")]
    public void AppSettingsCheck_SecretLiteral_ReportsIt(string name, string value)
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        AppSettingsOf(snapshot)[name] = value;

        var violations = TemplateRules.SecretSettingsAreKeyVaultReferences(snapshot);

        Assert.Contains(violations, violation => violation.Contains(name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", false)]
    [InlineData("Privacy__HmacSecret", true)]
    [InlineData("TenantSecrets__demo", true)]
    [InlineData("PartnerSecrets__terrascope", true)]
    [InlineData("Storage__ConnectionString", true)]
    [InlineData("Storage__ManagedIdentityClientId", false)]
    [InlineData("OTEL_SERVICE_NAME", false)]
    public void LooksSecret_SettingName_FollowsItsWords(string name, bool secret) =>
        Assert.Equal(secret, TemplateRules.LooksSecret(name));

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void RoleAssignments_GrantOnlyDataRolesOnTheirOwnResource(string parameterFile)
    {
        var snapshot = infra.SnapshotOf(parameterFile);

        Assert.NotEmpty(snapshot.OfType(TemplateRules.RoleAssignmentType));
        Violations.AssertNone(TemplateRules.RoleAssignmentsAreNarrow(snapshot));
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")]
    [InlineData("b24988ac-6180-48b3-ae63-df2c5e9e6d6e")]
    [InlineData("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")]
    [InlineData("17d1049b-9a84-46fb-8f53-869881c3d3ab")]
    [InlineData("00482a5a-887f-4fb3-b363-3b7fe8e74483")]
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88")]
    public void RoleAssignmentCheck_BroadOrUnneededRole_ReportsIt(string roleGuid)
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        var assignment = snapshot.OfType(TemplateRules.RoleAssignmentType).First();
        assignment["properties"]!["roleDefinitionId"] =
            $"/subscriptions/{InfraBuild.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{roleGuid}";

        var violations = TemplateRules.RoleAssignmentsAreNarrow(snapshot);

        Assert.Contains(violations, violation => violation.Contains(roleGuid, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData($"/subscriptions/{InfraBuild.SubscriptionId}/resourceGroups/{InfraBuild.ResourceGroup}")]
    [InlineData($"/subscriptions/{InfraBuild.SubscriptionId}")]
    [InlineData($"/subscriptions/{InfraBuild.SubscriptionId}/resourceGroups/{InfraBuild.ResourceGroup}/providers/Microsoft.KeyVault/vaults/kv-other")]
    public void RoleAssignmentCheck_StorageRoleOnWrongScope_ReportsIt(string scope)
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        var assignment = snapshot.OfType(TemplateRules.RoleAssignmentType)
            .First(a => TemplateRules.ResourceTypeOf(TemplateRules.ScopeOf(a)) == TemplateRules.StorageAccountType);
        assignment["id"] = $"{scope}/providers/Microsoft.Authorization/roleAssignments/{Guid.Empty}";

        var violations = TemplateRules.RoleAssignmentsAreNarrow(snapshot);

        Assert.Contains(violations, violation => violation.Contains(scope, StringComparison.Ordinal));
    }

    [Fact]
    public void CompiledTemplate_EveryRoleAssignment_HasAResourceScope()
    {
        var assignments = TemplateRules.CompiledResources(infra.MainTemplate, "$")
            .Count(pair => (string?)pair.Resource["type"] == TemplateRules.RoleAssignmentType);

        Assert.True(assignments >= 3, $"expected the storage, vault and monitoring role assignments, found {assignments}");
        Violations.AssertNone(TemplateRules.CompiledRoleAssignmentsHaveResourceScope(infra.MainTemplate));
    }

    [Fact]
    public void CompiledRoleAssignmentCheck_AssignmentWithoutScope_ReportsIt()
    {
        var template = (JsonObject)infra.MainTemplate.DeepClone();
        var (_, assignment) = TemplateRules.CompiledResources(template, "$")
            .First(pair => (string?)pair.Resource["type"] == TemplateRules.RoleAssignmentType);
        assignment.Remove("scope");

        Assert.NotEmpty(TemplateRules.CompiledRoleAssignmentsHaveResourceScope(template));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void FunctionApp_HasAnAlwaysReadyHttpInstance(string parameterFile) =>
        Violations.AssertNone(TemplateRules.HttpFunctionsHaveAlwaysReadyInstance(infra.SnapshotOf(parameterFile)));

    [Theory]
    [InlineData(0)]
    [InlineData(null)]
    public void AlwaysReadyCheck_NoHttpInstance_ReportsIt(int? instances)
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        var scale = snapshot.One(TemplateRules.SiteType)["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!.AsObject();
        scale["alwaysReady"] = instances is { } count ? new JsonArray(new JsonObject { ["name"] = "http", ["instanceCount"] = count }) : new JsonArray();

        Assert.NotEmpty(TemplateRules.HttpFunctionsHaveAlwaysReadyInstance(snapshot));
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void FunctionApp_RunsAsTheUserAssignedIdentity(string parameterFile) =>
        Violations.AssertNone(TemplateRules.SiteRunsAsUserAssignedIdentity(infra.SnapshotOf(parameterFile)));

    [Theory]
    [InlineData("SystemAssigned")]
    [InlineData("SystemAssigned, UserAssigned")]
    [InlineData("other identity")]
    [InlineData("key vault identity")]
    public void IdentityCheck_OtherIdentity_ReportsIt(string change)
    {
        var snapshot = infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile).Clone();
        var site = snapshot.One(TemplateRules.SiteType);
        var other = $"/subscriptions/{InfraBuild.SubscriptionId}/resourceGroups/{InfraBuild.ResourceGroup}/providers/{TemplateRules.IdentityType}/id-other";
        switch (change)
        {
            case "other identity":
                site["identity"]!["userAssignedIdentities"] = new JsonObject { [other] = new JsonObject() };
                break;
            case "key vault identity":
                site["properties"]!["keyVaultReferenceIdentity"] = "SystemAssigned";
                break;
            default:
                site["identity"]!["type"] = change;
                break;
        }

        Assert.NotEmpty(TemplateRules.SiteRunsAsUserAssignedIdentity(snapshot));
    }

    private static JsonObject AppSettingsOf(Snapshot snapshot) =>
        snapshot.OfType("Microsoft.Web/sites/config").Single(config => ((string?)config["name"])!.EndsWith("/appsettings", StringComparison.Ordinal))["properties"]!.AsObject();

    private static void Set(JsonObject target, string property, object? value)
    {
        if (value is null)
        {
            target.Remove(property);
        }
        else
        {
            target[property] = value switch
            {
                bool flag => JsonValue.Create(flag),
                string text => JsonValue.Create(text),
                _ => throw new ArgumentException($"Unexpected value {value}.", nameof(value)),
            };
        }
    }
}
