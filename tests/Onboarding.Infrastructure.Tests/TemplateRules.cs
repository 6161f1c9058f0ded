using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Onboarding.Infrastructure.Tests;

/// <summary>
/// The security properties the deployment promises, each as a check that lists what breaks it.
/// The checks take a snapshot (or a compiled template) so that tests can also feed them a
/// deliberately broken copy and see them fail.
/// </summary>
public static partial class TemplateRules
{
    public const string StorageAccountType = "Microsoft.Storage/storageAccounts";
    public const string SiteType = "Microsoft.Web/sites";
    public const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    public const string IdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";

    /// <summary>Roles that grant far more than data access: never assigned by this template.</summary>
    public static readonly IReadOnlyDictionary<string, string> BroadRoles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-48b3-ae63-df2c5e9e6d6e"] = "Contributor",
        ["18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"] = "User Access Administrator",
        ["17d1049b-9a84-46fb-8f53-869881c3d3ab"] = "Storage Account Contributor",
        ["00482a5a-887f-4fb3-b363-3b7fe8e74483"] = "Key Vault Administrator",
    };

    /// <summary>The roles the template may assign, and the only resource type each may be scoped to.</summary>
    public static readonly IReadOnlyDictionary<string, (string Name, string ScopeType)> AllowedRoles =
        new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase)
        {
            ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = ("Storage Table Data Contributor", StorageAccountType),
            ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = ("Storage Blob Data Owner", StorageAccountType),
            ["4633458b-17de-408a-b874-0445c86b69e6"] = ("Key Vault Secrets User", "Microsoft.KeyVault/vaults"),
            ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"] = ("Key Vault Secrets Officer", "Microsoft.KeyVault/vaults"),
            ["3913510d-42f4-4e42-8a64-420c390055eb"] = ("Monitoring Metrics Publisher", "Microsoft.Insights/components"),
        };

    public static IReadOnlyList<string> StorageAccountsAllowOnlyEntraIdOverTls12(Snapshot snapshot)
    {
        var violations = new List<string>();
        var accounts = snapshot.OfType(StorageAccountType).ToList();
        if (accounts.Count == 0)
        {
            violations.Add("no storage account in the template");
        }
        foreach (var account in accounts)
        {
            var name = (string?)account["name"];
            var properties = account["properties"];
            Expect(violations, properties?["allowSharedKeyAccess"], false, $"storage account {name}: allowSharedKeyAccess");
            Expect(violations, properties?["allowBlobPublicAccess"], false, $"storage account {name}: allowBlobPublicAccess");
            Expect(violations, properties?["supportsHttpsTrafficOnly"], true, $"storage account {name}: supportsHttpsTrafficOnly");
            Expect(violations, properties?["minimumTlsVersion"], "TLS1_2", $"storage account {name}: minimumTlsVersion");
        }
        foreach (var container in snapshot.OfType($"{StorageAccountType}/blobServices/containers"))
        {
            var access = (string?)container["properties"]?["publicAccess"];
            if (access is not null && access != "None")
            {
                violations.Add($"container {container["name"]}: publicAccess is {access}, expected None");
            }
        }
        return violations;
    }

    public static IReadOnlyList<string> SitesAreHttpsOnlyWithTls12(Snapshot snapshot)
    {
        var violations = new List<string>();
        var sites = snapshot.OfType(SiteType).ToList();
        if (sites.Count == 0)
        {
            violations.Add("no function app in the template");
        }
        foreach (var site in sites)
        {
            var name = (string?)site["name"];
            var properties = site["properties"];
            Expect(violations, properties?["httpsOnly"], true, $"site {name}: httpsOnly");
            Expect(violations, properties?["siteConfig"]?["minTlsVersion"], "1.2", $"site {name}: siteConfig.minTlsVersion");
            Expect(violations, properties?["siteConfig"]?["scmMinTlsVersion"], "1.2", $"site {name}: siteConfig.scmMinTlsVersion");
            Expect(violations, properties?["siteConfig"]?["ftpsState"], "Disabled", $"site {name}: siteConfig.ftpsState");
        }
        foreach (var policy in snapshot.OfType($"{SiteType}/basicPublishingCredentialsPolicies"))
        {
            Expect(violations, policy["properties"]?["allow"], false, $"{policy["name"]}: basic publishing credentials allowed");
        }
        return violations;
    }

    /// <summary>
    /// The platform's CORS list stays empty and without credentials: the app grants CORS itself, per
    /// tenant, on its JSON API only; a platform list would grant every tenant's origins everywhere.
    /// </summary>
    public static IReadOnlyList<string> SitesLeaveCorsToTheApp(Snapshot snapshot)
    {
        var violations = new List<string>();
        foreach (var site in snapshot.OfType(SiteType))
        {
            var cors = site["properties"]?["siteConfig"]?["cors"];
            if (cors?["allowedOrigins"] is not System.Text.Json.Nodes.JsonArray { Count: 0 })
            {
                violations.Add($"site {site["name"]}: siteConfig.cors.allowedOrigins must be an empty list");
            }

            Expect(violations, cors?["supportCredentials"], false, $"site {site["name"]}: siteConfig.cors.supportCredentials");
        }

        return violations;
    }

    /// <summary>
    /// A setting whose name says it holds a secret must be a Key Vault reference; no setting may
    /// carry a storage key or SAS, and the host's storage must not be a connection string.
    /// </summary>
    public static IReadOnlyList<string> SecretSettingsAreKeyVaultReferences(Snapshot snapshot)
    {
        var violations = new List<string>();
        var settings = snapshot.AppSettings();
        if (settings.Count == 0)
        {
            violations.Add("the function app has no app settings");
        }
        foreach (var (name, value) in settings)
        {
            if (LooksSecret(name) && (value is null || !KeyVaultReference().IsMatch(value)))
            {
                violations.Add($"app setting {name} holds '{Shorten(value)}' instead of a Key Vault reference");
            }
            if (value is not null && KeyMaterial().IsMatch(value))
            {
                violations.Add($"app setting {name} contains key material ('{Shorten(value)}')");
            }
        }
        if (settings.ContainsKey("AzureWebJobsStorage"))
        {
            violations.Add("AzureWebJobsStorage is a connection string; use the identity-based AzureWebJobsStorage__* settings");
        }
        return violations;
    }

    /// <summary>Whether a setting name says it holds a secret (by the words Secret, Key, Password, ConnectionString).</summary>
    public static bool LooksSecret(string name) =>
        name != "APPLICATIONINSIGHTS_CONNECTION_STRING"
        && SecretName().IsMatch(name);

    /// <summary>
    /// Role assignments grant no broad role, only the roles this service needs, each on the one
    /// resource it is for, never on the resource group or subscription.
    /// </summary>
    public static IReadOnlyList<string> RoleAssignmentsAreNarrow(Snapshot snapshot)
    {
        var violations = new List<string>();
        foreach (var assignment in snapshot.OfType(RoleAssignmentType))
        {
            var roleDefinitionId = (string?)assignment["properties"]?["roleDefinitionId"] ?? "";
            var roleGuid = roleDefinitionId.Split('/').Last();
            var scope = ScopeOf(assignment);
            var scopeType = ResourceTypeOf(scope);
            if (BroadRoles.TryGetValue(roleGuid, out var broad))
            {
                violations.Add($"role assignment grants {broad} ({roleGuid}) on {scope}");
                continue;
            }
            if (!AllowedRoles.TryGetValue(roleGuid, out var allowed))
            {
                violations.Add($"role assignment grants an unexpected role '{roleDefinitionId}' on {scope}");
                continue;
            }
            if (!string.Equals(scopeType, allowed.ScopeType, StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"role assignment of {allowed.Name} is scoped to '{scope}', expected one {allowed.ScopeType}");
            }
        }
        return violations;
    }

    /// <summary>In a compiled template, every role assignment names the resource it is scoped to.</summary>
    public static IReadOnlyList<string> CompiledRoleAssignmentsHaveResourceScope(JsonObject template)
    {
        var violations = new List<string>();
        foreach (var (path, resource) in CompiledResources(template, "$"))
        {
            if (!string.Equals((string?)resource["type"], RoleAssignmentType, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var scope = (string?)resource["scope"];
            if (string.IsNullOrWhiteSpace(scope)
                || scope.Contains("resourceGroup()", StringComparison.OrdinalIgnoreCase)
                || scope.Contains("subscription()", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"{path}: role assignment without a resource scope (scope: '{scope}')");
            }
        }
        return violations;
    }

    public static IReadOnlyList<string> HttpFunctionsHaveAlwaysReadyInstance(Snapshot snapshot)
    {
        var violations = new List<string>();
        foreach (var site in snapshot.OfType(SiteType))
        {
            var alwaysReady = site["properties"]?["functionAppConfig"]?["scaleAndConcurrency"]?["alwaysReady"]?.AsArray() ?? [];
            var http = alwaysReady.OfType<JsonObject>().FirstOrDefault(group => (string?)group["name"] == "http");
            var count = http?["instanceCount"]?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? (int)http["instanceCount"]! : 0;
            if (count < 1)
            {
                violations.Add($"site {site["name"]}: no always-ready instance for the 'http' group");
            }
        }
        return violations;
    }

    /// <summary>
    /// The app runs as the template's user-assigned identity only, and uses it for Key Vault
    /// references, the deployment package and the host storage.
    /// </summary>
    public static IReadOnlyList<string> SiteRunsAsUserAssignedIdentity(Snapshot snapshot)
    {
        var violations = new List<string>();
        var identityIds = snapshot.OfType(IdentityType).Select(identity => (string?)identity["id"]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var site in snapshot.OfType(SiteType))
        {
            var name = (string?)site["name"];
            var identity = site["identity"];
            Expect(violations, identity?["type"], "UserAssigned", $"site {name}: identity.type");
            var attached = identity?["userAssignedIdentities"]?.AsObject().Select(pair => pair.Key).ToList() ?? [];
            if (attached.Count != 1 || !identityIds.Contains(attached[0]))
            {
                violations.Add($"site {name}: attached identities [{string.Join(", ", attached)}], expected the template's one user-assigned identity");
            }
            var expected = attached.FirstOrDefault();
            var properties = site["properties"];
            Expect(violations, properties?["keyVaultReferenceIdentity"], expected, $"site {name}: keyVaultReferenceIdentity");
            var deployment = properties?["functionAppConfig"]?["deployment"]?["storage"]?["authentication"];
            Expect(violations, deployment?["type"], "UserAssignedIdentity", $"site {name}: deployment storage authentication type");
            Expect(violations, deployment?["userAssignedIdentityResourceId"], expected, $"site {name}: deployment storage identity");
        }
        var settings = snapshot.AppSettings();
        if (!string.Equals(settings.GetValueOrDefault("AzureWebJobsStorage__credential"), "managedidentity", StringComparison.Ordinal))
        {
            violations.Add("AzureWebJobsStorage__credential is not 'managedidentity'");
        }
        return violations;
    }

    /// <summary>The resource a role assignment applies to, from its id.</summary>
    public static string ScopeOf(JsonObject assignment)
    {
        var id = (string?)assignment["id"] ?? "";
        // Resolved: "<scope>/providers/Microsoft.Authorization/roleAssignments/<guid>".
        var marker = "/providers/" + RoleAssignmentType + "/";
        var index = id.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (index >= 0)
        {
            return id[..index];
        }
        // Unresolved (its name depends on a principal id): "[extensionResourceId('<scope>', ...)]".
        var match = ExtensionResourceScope().Match(id);
        return match.Success ? match.Groups["scope"].Value : id;
    }

    /// <summary>"Microsoft.Storage/storageAccounts" for ".../providers/Microsoft.Storage/storageAccounts/name"; "" for a group or subscription.</summary>
    public static string ResourceTypeOf(string resourceId)
    {
        var index = resourceId.LastIndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
        if (index < 0)
        {
            return "";
        }
        var parts = resourceId[(index + "/providers/".Length)..].Split('/');
        // namespace/type/name[/childType/childName...]
        return parts.Length >= 3 && parts.Length % 2 == 1
            ? string.Join('/', new[] { parts[0] }.Concat(parts.Skip(1).Where((_, i) => i % 2 == 0)))
            : "";
    }

    /// <summary>Every resource in a compiled template and its nested (module) templates, with a path for messages.</summary>
    public static IEnumerable<(string Path, JsonObject Resource)> CompiledResources(JsonObject template, string path)
    {
        // Symbolic-name templates (languageVersion 2.0) hold resources in an object, older ones in an array.
        var resources = template["resources"] switch
        {
            JsonObject byName => byName.Select(pair => ($"{path}.resources.{pair.Key}", pair.Value as JsonObject)),
            JsonArray list => list.Select((node, i) => ($"{path}.resources[{i}]", node as JsonObject)),
            _ => [],
        };
        foreach (var (resourcePath, resource) in resources)
        {
            if (resource is null)
            {
                continue;
            }
            yield return (resourcePath, resource);
            if (resource["properties"] is JsonObject properties && properties["template"] is JsonObject nested)
            {
                foreach (var inner in CompiledResources(nested, resourcePath + ".properties.template"))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Expect(List<string> violations, JsonNode? actual, object? expected, string what)
    {
        var matches = expected switch
        {
            bool flag => actual?.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
                && (bool)actual == flag,
            string text => actual?.GetValueKind() == System.Text.Json.JsonValueKind.String
                && string.Equals((string?)actual, text, StringComparison.OrdinalIgnoreCase),
            _ => actual is null,
        };
        if (!matches)
        {
            violations.Add($"{what} is {actual?.ToJsonString() ?? "missing"}, expected {expected ?? "nothing"}");
        }
    }

    private static string Shorten(string? value) =>
        value is null ? "null" : value.Length <= 12 ? value : value[..12] + "…";

    [GeneratedRegex("Secret|Key|Password|ConnectionString|Connection_String", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    // Only VaultName/SecretName[/SecretVersion] or SecretUri forms, as App Service accepts them.
    [GeneratedRegex(@"^@Microsoft\.KeyVault\((VaultName=[A-Za-z0-9-]{3,24};SecretName=[A-Za-z0-9-]{1,127}(;SecretVersion=[0-9a-f]{32})?|SecretUri=https://[A-Za-z0-9.-]+/secrets/[A-Za-z0-9-]{1,127}(/[0-9a-f]{32})?/?)\)$")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"AccountKey=|SharedAccessSignature=|SharedAccessKey=|[?&]sig=|Password=", RegexOptions.IgnoreCase)]
    private static partial Regex KeyMaterial();

    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']*)'")]
    private static partial Regex ExtensionResourceScope();
}
