namespace Onboarding.Tenants;

/// <summary>How long a tenant keeps what (per tenant; see the tenants file's <c>retention</c>).</summary>
public sealed record RetentionPolicy(TimeSpan PersonalData, TimeSpan AuditEntries)
{
    public static RetentionPolicy Default { get; } = new(TimeSpan.FromDays(365), TimeSpan.FromDays(540));
}
