namespace Onboarding.Tenants;

/// <summary>
/// What a tenant accepts as membership of its virtual organisation, and the platform roles it knows.
/// </summary>
public sealed class MembershipPolicy
{
    public required IReadOnlySet<string> Namespaces { get; init; }
    public required IReadOnlySet<string> Authorities { get; init; }
    public required string Vo { get; init; }

    /// <summary>The role catalogue, in the tenant's own spelling.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Whether a bare VO entitlement (or <c>role=member</c> alone) is enough to use the platform.</summary>
    public bool AcceptMembershipWithoutRole { get; init; }

    /// <summary>Where a person enrols in the VO.</summary>
    public required string EnrolmentUrl { get; init; }

    /// <summary>Where a member without a platform role chooses one; the enrolment page when not set.</summary>
    public string? RoleUrl { get; init; }
}
