using System.Text.Json.Nodes;

namespace Onboarding.Infrastructure.Tests;

/// <summary>
/// The output of `bicep snapshot`: the resources a deployment of main.bicep with one parameter
/// file would create, as ARM would send them. Values known before deployment (names, literals,
/// parameters, resource ids built from names) are worked out; values that exist only once a
/// deployment runs (an identity's client id, a host name) stay ARM expressions in brackets.
/// </summary>
public sealed class Snapshot(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public IEnumerable<JsonObject> Resources =>
        (Root["predictedResources"]?.AsArray() ?? []).OfType<JsonObject>();

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(resource => string.Equals((string?)resource["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject One(string type)
    {
        var found = OfType(type).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"Expected one {type} in the snapshot, found {found.Count}.");
    }

    /// <summary>A copy to change in a test that shows a check catches a violation.</summary>
    public Snapshot Clone() => new((JsonObject)Root.DeepClone());

    /// <summary>The function app's settings (the sites/config resource named appsettings).</summary>
    public IReadOnlyDictionary<string, string?> AppSettings(string? siteName = null) =>
        OfType("Microsoft.Web/sites/config")
            .Where(config => ((string?)config["name"])?.EndsWith("/appsettings", StringComparison.Ordinal) == true)
            .Where(config => siteName is null || (string?)config["name"] == $"{siteName}/appsettings")
            .SelectMany(config => config["properties"]?.AsObject() ?? [])
            .ToDictionary(setting => setting.Key, setting => setting.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? (string?)setting.Value
                : setting.Value?.ToJsonString());
}
