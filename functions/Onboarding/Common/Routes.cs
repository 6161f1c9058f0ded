using System.Text.Json;

namespace Onboarding.Common;

/// <summary>
/// The service's own addresses, for links, redirects, cookie paths and the redirect URI registered
/// at the provider: one place for every path. The prefix is host.json's
/// <c>extensions.http.routePrefix</c>, read from the host.json the app ships beside its assemblies.
/// </summary>
public static class Routes
{
    /// <summary>"/api" with the shipped host.json; "" when host.json sets an empty prefix.</summary>
    public static string Prefix { get; } = PrefixOf(RoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json")));

    /// <summary>The <c>extensions.http.routePrefix</c> of a host.json; "api" when unset or absent, as in Azure.</summary>
    public static string RoutePrefix(string hostJsonPath)
    {
        if (!File.Exists(hostJsonPath))
        {
            return "api";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(hostJsonPath));
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? (prefix.GetString() ?? "").Trim('/')
            : "api";
    }

    private static string PrefixOf(string routePrefix) => routePrefix.Length == 0 ? "" : "/" + routePrefix;

    /// <summary>A file of the service's own assets (the stylesheet).</summary>
    public static string Asset(string name) => $"{Prefix}/assets/{Uri.EscapeDataString(name)}";

    public static string Tenant(string tenantId, string path = "") =>
        $"{Prefix}/tenants/{Uri.EscapeDataString(tenantId)}{(path.Length == 0 ? "" : "/" + path)}";

    public static string Login(string tenantId) => Tenant(tenantId, "login");

    /// <summary>The login with what the person is doing kept: where to go afterwards, and "use another account".</summary>
    /// <param name="returnTo">An address already checked against the tenant's origins (the login checks it again).</param>
    public static string Login(string tenantId, string? returnTo, bool switchAccount = false) =>
        Login(tenantId) + Query(("prompt", switchAccount ? SwitchAccountPrompt : null), ("return_to", returnTo));

    /// <summary>What the pages' "Use another account" asks <c>/login</c> for; the login sends the provider what it supports.</summary>
    public const string SwitchAccountPrompt = "select_account";

    /// <summary>The person's status page, keeping where they came from.</summary>
    public static string Me(string tenantId, string? returnTo) => Me(tenantId) + Query(("return_to", returnTo));

    /// <summary>
    /// The status page after a "Check again": <c>checked=1</c> with the changes
    /// (<c>step:before:after</c>, ids and state names only), or <c>checked=wait</c> when it came too soon.
    /// </summary>
    public static string MeChecked(string tenantId, string? changes, bool tooSoon, string? returnTo) =>
        Me(tenantId) + Query(("checked", tooSoon ? "wait" : "1"), ("changed", tooSoon ? null : changes), ("return_to", returnTo));

    /// <summary>The form the status page's "Check again" posts to.</summary>
    public static string CheckAgain(string tenantId) => Tenant(tenantId, "me/check");

    /// <summary>A query string of the parameters that have a value ("" when none has).</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }

    public static string Me(string tenantId) => Tenant(tenantId, "me");

    public static string Staff(string tenantId) => Tenant(tenantId, "staff");

    /// <summary>The form field of the pages' anti-forgery token (the erase, staff and sign-out forms).</summary>
    public const string AntiForgeryField = "csrf";

    /// <summary>A look-up on the staff page: <paramref name="sealedLookUp"/> (from the staff session's look-ups), then more of the query (already URL-encoded, from <c>&amp;</c>).</summary>
    public static string StaffLookUp(string tenantId, string sealedLookUp, string more = "") =>
        $"{Staff(tenantId)}?q={Uri.EscapeDataString(sealedLookUp)}{more}";

    /// <summary>The login for the staff page: signs in for a staff session, not as the person.</summary>
    public static string StaffLogin(string tenantId) => Login(tenantId) + "?for=staff";

    public static string Reports(string tenantId) => Tenant(tenantId, "reports");

    public static string SignOut(string tenantId) => Tenant(tenantId, "logout");

    public static string SignedOut(string tenantId) => Tenant(tenantId, "signed-out");

    /// <summary>The tenant id of a path under <c>{Prefix}/tenants/{tenant}/</c>, or null.</summary>
    public static string? TenantOf(string? path)
    {
        var root = Prefix + "/tenants/";
        if (path is null || !path.StartsWith(root, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[root.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var id = Uri.UnescapeDataString(slash < 0 ? rest : rest[..slash]);
        return id.Length > 0 ? id : null;
    }

    /// <summary>The part of a tenant path after the tenant id ("me", "me/data", …), or null.</summary>
    public static string? TenantPathOf(string? path)
    {
        if (TenantOf(path) is null)
        {
            return null;
        }

        var rest = path![(Prefix.Length + "/tenants/".Length)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : rest[(slash + 1)..].TrimEnd('/');
    }
}
