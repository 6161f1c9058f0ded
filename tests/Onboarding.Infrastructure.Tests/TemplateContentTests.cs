namespace Onboarding.Infrastructure.Tests;

/// <summary>What the deployment creates and the settings the service reads, as the README promises them.</summary>
public sealed class TemplateContentTests(InfraBuild infra)
{
    private Snapshot TestEnvironment => infra.SnapshotOf(InfraBuild.TestEnvironmentParametersFile);

    private Snapshot AllOptions => infra.SnapshotOf(InfraBuild.AllOptionsParametersFile);

    [Fact]
    public void Plan_IsFlexConsumption()
    {
        var plan = TestEnvironment.One("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.True((bool?)plan["properties"]!["reserved"]);
    }

    [Fact]
    public void FunctionApp_RunsDotnetIsolated10FromItsDeploymentContainer()
    {
        var config = TestEnvironment.One(TemplateRules.SiteType)["properties"]!["functionAppConfig"]!;
        var storageName = (string?)TestEnvironment.One(TemplateRules.StorageAccountType)["name"];

        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal("blobContainer", (string?)config["deployment"]!["storage"]!["type"]);
        var url = (string?)config["deployment"]!["storage"]!["value"];
        Assert.Contains(storageName!, url, StringComparison.Ordinal);
        Assert.Contains("deployment-package", url, StringComparison.Ordinal);
        Assert.Contains(TestEnvironment.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            container => (string?)container["name"] == $"{storageName}/default/deployment-package");
    }

    [Fact]
    public void AppSettings_HaveEveryNameTheServiceAndHostRead()
    {
        var settings = TestEnvironment.AppSettings();

        string[] expected =
        [
            "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri",
            "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
            "Storage__TableServiceUri", "Storage__ManagedIdentityClientId", "Storage__TablePrefix",
            "Onboarding__PublicBaseUrl", "Onboarding__TenantsFile", "Privacy__HmacSecret", "Privacy__PurgeSchedule",
            "Reports__OperatorTenant", "Reports__OperatorEntitlement",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "OTEL_SERVICE_NAME",
            "TenantSecrets__demo", "TenantSecrets__other", "PartnerSecrets__terrascope",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), settings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("tenants.json", settings["Onboarding__TenantsFile"]);
        Assert.Equal("", settings["Storage__TablePrefix"]);
        // The retention purge timer's schedule (%Privacy:PurgeSchedule%): without it the host stops.
        Assert.Equal("0 0 3 * * *", settings["Privacy__PurgeSchedule"]);
        Assert.Equal("demo", settings["Reports__OperatorTenant"]);
        // Flex Consumption rejects these; the runtime comes from functionAppConfig instead.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", settings.Keys);
    }

    [Fact]
    public void AppSettings_StorageUrisNameTheTemplatesAccount()
    {
        var settings = TestEnvironment.AppSettings();
        var storageName = (string?)TestEnvironment.One(TemplateRules.StorageAccountType)["name"];

        foreach (var (setting, service) in new[]
        {
            ("AzureWebJobsStorage__blobServiceUri", "blob"), ("AzureWebJobsStorage__queueServiceUri", "queue"),
            ("AzureWebJobsStorage__tableServiceUri", "table"), ("Storage__TableServiceUri", "table"),
        })
        {
            // environment().suffixes.storage stays an expression in the snapshot.
            Assert.Equal($"[format('https://{{0}}.{service}.{{1}}', '{storageName}', environment().suffixes.storage)]", settings[setting]);
        }
        Assert.Contains("outputs.clientId", settings["AzureWebJobsStorage__clientId"], StringComparison.Ordinal);
        Assert.Equal(settings["AzureWebJobsStorage__clientId"], settings["Storage__ManagedIdentityClientId"]);
        Assert.Matches(@"^\[format\('ClientId=\{0\};Authorization=AAD', .*outputs\.clientId\.value\)\]$", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Theory]
    [InlineData(InfraBuild.TestEnvironmentParametersFile, new[] { "demo", "other" })]
    [InlineData(InfraBuild.AllOptionsParametersFile, new[] { "demo", "other", "third-tenant" })]
    public void AppSettings_EveryTenantHasItsClientSecretFromTheVault(string parameterFile, string[] tenants)
    {
        var snapshot = infra.SnapshotOf(parameterFile);
        var settings = snapshot.AppSettings();
        var vault = (string?)snapshot.One("Microsoft.KeyVault/vaults")["name"];

        // Linux app setting names take no '-'; Key Vault secret names take no '_'.
        static string Setting(string tenant) => $"TenantSecrets__{tenant.Replace('-', '_')}";
        Assert.Equal(
            tenants.Select(Setting),
            settings.Keys.Where(name => name.StartsWith("TenantSecrets__", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(tenants, tenant => Assert.Equal(
            $"@Microsoft.KeyVault(VaultName={vault};SecretName=tenant-{tenant}-client-secret)", settings[Setting(tenant)]));
        Assert.All(settings.Keys, name => Assert.Matches("^[A-Za-z0-9_.]+$", name));
        Assert.Equal($"@Microsoft.KeyVault(VaultName={vault};SecretName=privacy-hmac-secret)", settings["Privacy__HmacSecret"]);
    }

    [Theory]
    [InlineData(InfraBuild.TestEnvironmentParametersFile, new[] { "terrascope" })]
    [InlineData(InfraBuild.AllOptionsParametersFile, new[] { "eo-partner", "terrascope" })]
    public void AppSettings_EveryPartnerHasItsClientSecretFromTheVault(string parameterFile, string[] partners)
    {
        var snapshot = infra.SnapshotOf(parameterFile);
        var settings = snapshot.AppSettings();
        var vault = (string?)snapshot.One("Microsoft.KeyVault/vaults")["name"];

        // tenants.json names the setting as "clientSecretSetting": "PartnerSecrets:<id with _ for ->".
        static string Setting(string partner) => $"PartnerSecrets__{partner.Replace('-', '_')}";
        Assert.Equal(
            partners.Select(Setting),
            settings.Keys.Where(name => name.StartsWith("PartnerSecrets__", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(partners, partner => Assert.Equal(
            $"@Microsoft.KeyVault(VaultName={vault};SecretName=partner-{partner}-client-secret)", settings[Setting(partner)]));
    }

    [Fact]
    public void Parameters_PartnerIds_DefaultToNone()
    {
        var partnerIds = infra.MainTemplate["parameters"]!["partnerIds"]!;

        Assert.Equal("array", (string?)partnerIds["type"]);
        Assert.Empty(partnerIds["defaultValue"]!.AsArray());
    }

    [Fact]
    public void Outputs_CustomDomain_GiveOneCallbackUrlPerTenant()
    {
        var settings = AllOptions.AppSettings();
        var outputs = AllOptions.Root["outputs"]!;

        Assert.Equal("https://onboarding.example.org", settings["Onboarding__PublicBaseUrl"]);
        Assert.Equal("https://onboarding.example.org", (string?)outputs["functionAppUrl"]);
        var callbacks = outputs["callbackUrls"]!.AsObject();
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["demo"] = "https://onboarding.example.org/api/tenants/demo/callback",
                ["other"] = "https://onboarding.example.org/api/tenants/other/callback",
                ["third-tenant"] = "https://onboarding.example.org/api/tenants/third-tenant/callback",
            },
            callbacks.ToDictionary(pair => pair.Key, pair => (string?)pair.Value));
    }

    [Fact]
    public void Outputs_DefaultHost_CallbackUrlsUseTheAppsHostName()
    {
        var callbacks = (string?)TestEnvironment.Root["outputs"]!["callbackUrls"];

        // The host name is known only after deployment, so the snapshot keeps the expression.
        Assert.NotNull(callbacks);
        Assert.Contains("outputs.defaultHostname.value", callbacks, StringComparison.Ordinal);
        Assert.Contains("'{0}/api/tenants/{1}/callback'", callbacks, StringComparison.Ordinal);
        Assert.Contains("'demo'", callbacks, StringComparison.Ordinal);
        Assert.Contains("'other'", callbacks, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(InfraBuild.TestEnvironmentParametersFile, "Enabled")]
    [InlineData(InfraBuild.AllOptionsParametersFile, "Disabled")]
    public void KeyVault_UsesRbacSoftDeleteAndPurgeProtection(string parameterFile, string publicNetworkAccess)
    {
        var vault = infra.SnapshotOf(parameterFile).One("Microsoft.KeyVault/vaults")["properties"]!;

        Assert.True((bool?)vault["enableRbacAuthorization"]);
        Assert.True((bool?)vault["enableSoftDelete"]);
        Assert.True((bool?)vault["enablePurgeProtection"]);
        Assert.Equal(publicNetworkAccess, (string?)vault["publicNetworkAccess"]);
    }

    [Fact]
    public void KeyVault_OperatorRole_OnlyWhenAnOperatorIsGiven()
    {
        static IEnumerable<string> Roles(Snapshot snapshot) => snapshot.OfType(TemplateRules.RoleAssignmentType)
            .Select(assignment => ((string?)assignment["properties"]!["roleDefinitionId"])!.Split('/').Last());
        const string secretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

        Assert.DoesNotContain(secretsOfficer, Roles(TestEnvironment));
        Assert.Contains(secretsOfficer, Roles(AllOptions));
        var operatorAssignment = AllOptions.OfType(TemplateRules.RoleAssignmentType)
            .Single(assignment => ((string?)assignment["properties"]!["roleDefinitionId"])!.EndsWith(secretsOfficer, StringComparison.Ordinal));
        Assert.Equal("11111111-1111-1111-1111-111111111111", (string?)operatorAssignment["properties"]!["principalId"]);
        Assert.Equal("Microsoft.KeyVault/vaults", TemplateRules.ResourceTypeOf(TemplateRules.ScopeOf(operatorAssignment)));
    }

    [Fact]
    public void RoleAssignments_AppIdentity_GetsExactlyItsFourRoles()
    {
        var roles = TestEnvironment.OfType(TemplateRules.RoleAssignmentType)
            .Select(assignment => (
                Role: TemplateRules.AllowedRoles[((string?)assignment["properties"]!["roleDefinitionId"])!.Split('/').Last()].Name,
                Scope: TemplateRules.ResourceTypeOf(TemplateRules.ScopeOf(assignment)),
                Principal: (string?)assignment["properties"]!["principalId"],
                PrincipalType: (string?)assignment["properties"]!["principalType"]))
            .OrderBy(role => role.Role, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            ["Key Vault Secrets User", "Monitoring Metrics Publisher", "Storage Blob Data Owner", "Storage Table Data Contributor"],
            roles.Select(role => role.Role));
        // The principal is the identity module's output, known only once the identity exists.
        Assert.All(roles, role => Assert.Matches(@"identity-.*outputs\.principalId\.value\]$", role.Principal));
        // Set for a new identity, so that the assignment does not wait for directory replication.
        Assert.All(roles, role => Assert.Equal("ServicePrincipal", role.PrincipalType));
    }

    [Fact]
    public void Monitoring_AppInsightsIsWorkspaceBasedAndAcceptsOnlyEntraId()
    {
        var component = TestEnvironment.One("Microsoft.Insights/components")["properties"]!;
        var workspace = TestEnvironment.One("Microsoft.OperationalInsights/workspaces")["properties"]!;

        Assert.True((bool?)component["DisableLocalAuth"]);
        Assert.Equal("LogAnalytics", (string?)component["IngestionMode"]);
        Assert.Contains("outputs.resourceId.value", (string?)component["WorkspaceResourceId"], StringComparison.Ordinal);
        Assert.True((bool?)workspace["features"]!["disableLocalAuth"]);
    }

    [Fact]
    public void Resources_AllCarryTheEnvironmentTags()
    {
        var tagged = TestEnvironment.Resources.Where(resource => resource["location"] is not null).ToList();

        Assert.NotEmpty(tagged);
        Assert.All(tagged, resource =>
        {
            Assert.Equal("test", (string?)resource["tags"]?["environment"]);
            Assert.Equal("onboarding", (string?)resource["tags"]?["service"]);
            Assert.Equal("westeurope", (string?)resource["location"]);
        });
    }
}
