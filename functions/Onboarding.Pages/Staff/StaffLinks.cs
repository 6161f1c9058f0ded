namespace Onboarding.Pages.Staff;

public static class StaffLinks
{
    /// <summary>The staff page of a tenant; its views differ by query only.</summary>
    public static string Base(string tenant) => $"/api/tenants/{Uri.EscapeDataString(tenant)}/staff";

    public static string Reports(string tenant) => $"/api/tenants/{Uri.EscapeDataString(tenant)}/reports";

    public static string Login(string tenant) => $"/api/tenants/{Uri.EscapeDataString(tenant)}/login?for=staff";

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
