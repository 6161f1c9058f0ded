using Onboarding.Common;
using Onboarding.Pages.Layout;
using Onboarding.Staff;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

/// <summary>The layout of staff pages: who is signed in, navigation by role, sign-out.</summary>
public sealed class StaffFrames(StaffSessions sessions)
{
    public PageFrame For(string title, StaffMember staff, string? mainClass = null) => new(Pages.Texts.PageTexts.English, title, staff.Tenant.DisplayName, mainClass)
    {
        SignedInAs = "staff: " + string.Join(", ", staff.Roles.Order()).ToLowerInvariant(),
        Navigation = Navigation(staff),
        SignOut = staff.Session is { } session ? new SignOutForm(Routes.SignOut(staff.Tenant.Id), sessions.AntiForgeryToken(session)) : null,
    };

    /// <summary>Only what the viewer may use: support staff search, operators read the audit log and reports.</summary>
    public static IReadOnlyList<NavLink> Navigation(StaffMember staff)
    {
        var links = new List<NavLink>();
        if (StaffPolicy.Allows(staff.Roles, StaffRight.LookUpUsers))
        {
            links.Add(new NavLink("Search", Routes.Staff(staff.Tenant.Id)));
        }

        if (StaffPolicy.Allows(staff.Roles, StaffRight.ReadAudit))
        {
            links.Add(new NavLink("Audit log", Routes.Staff(staff.Tenant.Id) + "?view=audit"));
            links.Add(new NavLink("Staff rights", Routes.Staff(staff.Tenant.Id) + "?view=rights"));
            links.Add(new NavLink("Reports", Routes.Tenant(staff.Tenant.Id, "reports")));
        }

        return links;
    }
}
