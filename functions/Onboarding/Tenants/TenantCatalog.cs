using Onboarding.Common;

namespace Onboarding.Tenants;

/// <summary>The tenants of this deployment, loaded once at start.</summary>
public sealed class TenantCatalog(IReadOnlyList<Tenant> tenants)
{
    private readonly Dictionary<string, Tenant> _byId = tenants.ToDictionary(t => t.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<Tenant> All => _byId.Values;

    /// <summary>The tenant with this id, or null.</summary>
    public Tenant? Find(string? id) => id is not null && _byId.TryGetValue(id, out var tenant) ? tenant : null;

    /// <summary>The tenant with this id, or a 404 <c>TenantNotFound</c>.</summary>
    public Tenant Get(string? id) =>
        id is not null && _byId.TryGetValue(id, out var tenant)
            ? tenant
            : throw new OnboardingException(ApiError.TenantNotFound, "There is no platform with this id here.");
}
