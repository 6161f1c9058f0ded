using Onboarding.Tenants;

namespace Onboarding.Status;

/// <summary>What a person's entitlements say about their membership of a tenant's VO.</summary>
public sealed record Membership(bool IsMember, IReadOnlyList<string> Roles, int MalformedValues)
{
    public bool Accepted(MembershipPolicy policy) => IsMember && (Roles.Count > 0 || policy.AcceptMembershipWithoutRole);
}

public static class MembershipEvaluator
{
    /// <summary>
    /// Reads membership and platform roles from entitlement values. Malformed values are skipped one
    /// by one and counted; values of other VOs, namespaces or authorities are ignored.
    /// </summary>
    public static Membership Evaluate(MembershipPolicy policy, IEnumerable<string> entitlements)
    {
        var catalogue = policy.Roles.ToDictionary(Entitlement.NormaliseRole, r => r);
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        var member = false;
        var malformed = 0;
        foreach (var value in entitlements)
        {
            if (Entitlement.Parse(value) is not { } entitlement)
            {
                malformed++;
                continue;
            }

            if (!policy.Namespaces.Contains(entitlement.Namespace)
                || !policy.Authorities.Contains(entitlement.Authority)
                || !string.Equals(entitlement.Vo, policy.Vo, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Any entitlement in the VO, a subgroup's included, means membership. Platform roles are
            // the VO-level ones only, as the platform's aggregator reads them.
            member = true;
            if (entitlement is { Subgroups.Count: 0, Role: { } role }
                && catalogue.TryGetValue(Entitlement.NormaliseRole(role), out var known))
            {
                roles.Add(known);
            }
        }

        return new Membership(member, [.. roles], malformed);
    }
}
