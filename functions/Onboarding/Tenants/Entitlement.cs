namespace Onboarding.Tenants;

/// <summary>
/// One <c>eduperson_entitlement</c> value in EGI Check-in's grammar:
/// <c>&lt;namespace&gt;:group:&lt;vo&gt;[:&lt;subgroup&gt;...][:role=&lt;role&gt;]#&lt;authority&gt;</c>,
/// e.g. <c>urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu</c>.
/// </summary>
public sealed record Entitlement(string Namespace, string Vo, IReadOnlyList<string> Subgroups, string? Role, string Authority)
{
    private const string GroupMarker = ":group:";
    private const string RolePrefix = "role=";

    /// <summary>Parses a value, or returns null for anything that does not follow the grammar.</summary>
    public static Entitlement? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 1024 || value.Any(char.IsWhiteSpace))
        {
            return null;
        }

        var hash = value.IndexOf('#', StringComparison.Ordinal);
        var group = value.IndexOf(GroupMarker, StringComparison.Ordinal);
        if (hash <= 0 || hash == value.Length - 1 || group <= 0 || group + GroupMarker.Length >= hash)
        {
            return null;
        }

        var ns = value[..group];
        var authority = value[(hash + 1)..];
        var segments = value[(group + GroupMarker.Length)..hash].Split(':');
        if (segments.Any(s => s.Length == 0) || authority.Contains('#', StringComparison.Ordinal))
        {
            return null;
        }

        string? role = null;
        if (segments[^1].StartsWith(RolePrefix, StringComparison.Ordinal))
        {
            role = segments[^1][RolePrefix.Length..];
            segments = segments[..^1];
            if (role.Length == 0 || segments.Length == 0)
            {
                return null;
            }
        }

        // "role=" may only close the value; anywhere else the value is malformed.
        if (segments.Any(s => s.StartsWith(RolePrefix, StringComparison.Ordinal) || s.Contains('=', StringComparison.Ordinal)))
        {
            return null;
        }

        return new Entitlement(ns, segments[0], segments[1..], role, authority);
    }

    /// <summary>Role names compare ignoring case, '-', '_' and spaces: <c>30day_trial</c> = <c>30-Day-Trial</c>.</summary>
    public static string NormaliseRole(string role) =>
        new(role.Where(c => c is not ('-' or '_' or ' ')).Select(char.ToLowerInvariant).ToArray());
}
