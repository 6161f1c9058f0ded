namespace Onboarding.Tenants;

public enum StaffRole
{
    /// <summary>Looks people up, re-checks, erases on request.</summary>
    Support,

    /// <summary>Reads reports and the audit log.</summary>
    Operator,
}

/// <summary>What each staff role may do.</summary>
public enum StaffRight
{
    LookUpUsers,
    RecheckUsers,
    EraseUsers,
    ReadAudit,
    ReadReports,
}

/// <summary>A tenant's mapping from entitlement values to staff roles.</summary>
public sealed class StaffPolicy
{
    public static StaffPolicy None { get; } = new() { Entitlements = new Dictionary<string, StaffRole>() };

    /// <summary>Entitlement value (compared ignoring case) → role.</summary>
    public required IReadOnlyDictionary<string, StaffRole> Entitlements { get; init; }

    public IReadOnlySet<StaffRole> RolesOf(IEnumerable<string> entitlements) =>
        entitlements.Select(e => Entitlements.TryGetValue(e.Trim(), out var role) ? role : (StaffRole?)null)
            .OfType<StaffRole>().ToHashSet();

    /// <remarks>Every right is placed here by name. The default arm grants nothing: a right added to
    /// <see cref="StaffRight"/> and forgotten here is refused to everyone, not quietly given to a role.</remarks>
    public static bool Allows(IReadOnlySet<StaffRole> roles, StaffRight right) => right switch
    {
        StaffRight.LookUpUsers or StaffRight.RecheckUsers or StaffRight.EraseUsers => roles.Contains(StaffRole.Support),
        StaffRight.ReadAudit or StaffRight.ReadReports => roles.Contains(StaffRole.Operator),
        _ => false,
    };
}
