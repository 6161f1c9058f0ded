namespace Onboarding.Pages.Users;

public static class MeLinks
{
    /// <summary>The person's own pages of a tenant: <c>/me</c>, <c>/me/data</c>, <c>/me/erase</c>.</summary>
    public static string Base(string tenant) => $"/api/tenants/{Uri.EscapeDataString(tenant)}/me";
}
