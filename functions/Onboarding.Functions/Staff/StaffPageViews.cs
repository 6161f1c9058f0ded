using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Pages.Staff;
using Onboarding.Staff;
using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Staff;

/// <summary>
/// What the staff page shows for a GET: the audit log (operators), the operators' landing, or the
/// support view (search form, results, a user, the erase confirmation).
/// </summary>
/// <remarks>A GET that looks someone up (and so writes an audit entry) runs only when it comes from
/// the service's own pages (<see cref="LookUpOrigin.IsFromOwnPages"/>): the Lax staff cookie also comes
/// with a link followed from another site. Otherwise the page shows the search form and says why
/// nothing was searched.</remarks>
public sealed class StaffPageViews(
    StaffAuthenticator authenticator,
    StaffSessions sessions,
    SupportService support,
    AuditLines audit,
    LookUpOrigin origin,
    TimeProvider time,
    PageRenderer pages,
    StaffFrames frames)
{
    /// <summary>The query fields that make a GET look someone up (and write an audit entry), in the order they are read.</summary>
    private static readonly string[] LookUpFields = ["user", "email", "institution", "country"];

    private const int AuditPageSize = 100;

    public async Task<IResult> ShowAsync(HttpRequest request, StaffMember staff, CancellationToken cancellationToken)
    {
        var view = new Dictionary<string, object?> { [nameof(StaffPage.Staff)] = staff };
        if (request.Query["view"] == "audit")
        {
            await AuditAsync(view, authenticator.Require(staff, StaffRight.ReadAudit), request.Query, cancellationToken);
        }
        else if (!StaffPolicy.Allows(staff.Roles, StaffRight.LookUpUsers))
        {
            view[nameof(StaffPage.OperatorOnly)] = true;
        }
        else
        {
            await SupportAsync(view, request, staff, cancellationToken);
        }

        return await pages.PageAsync<StaffPage>(200, frames.For("Staff", staff, "staff"), view);
    }

    private async Task AuditAsync(Dictionary<string, object?> view, StaffMember staff, IQueryCollection q, CancellationToken cancellationToken)
    {
        var query = AuditQuery.Parse(q["from"], q["to"], q["staff"], q["user"], q["action"], time.GetUtcNow());
        view[nameof(StaffPage.AuditQuery)] = query;
        view[nameof(StaffPage.Audit)] = await audit.ReadAsync(staff.Tenant, query, q["continuation"], AuditPageSize, cancellationToken);
    }

    private async Task SupportAsync(Dictionary<string, object?> view, HttpRequest request, StaffMember staff, CancellationToken cancellationToken)
    {
        var (q, session) = (request.Query, staff.Session!);
        view[nameof(StaffPage.Done)] = q["done"].ToString() is { Length: > 0 } done ? done : null;
        view[nameof(StaffPage.LinkToken)] = sessions.LinkToken(session);
        var lookUp = LookUpFields.FirstOrDefault(field => q[field].ToString().Length > 0);
        if (lookUp is null)
        {
            return;
        }

        if (!origin.IsFromOwnPages(request, session, lookUp))
        {
            view[nameof(StaffPage.LookUpRefused)] = true;
            return;
        }

        var value = q[lookUp].ToString();
        if (lookUp == "user")
        {
            var shown = await support.GetAsync(staff, value, cancellationToken);
            view[nameof(StaffPage.User)] = q["done"] == "recheck" ? shown with { Changes = StepChanges.Read(q["changed"], staff.Tenant) } : shown;
            view[nameof(StaffPage.ConfirmingErase)] = q["confirm"] == "erase";
            view[nameof(StaffPage.AntiForgeryToken)] = sessions.AntiForgeryToken(session);
            return;
        }

        view[nameof(StaffPage.Results)] = lookUp == "email"
            ? await support.FindByEmailAsync(staff, value, cancellationToken)
            : await support.FindByAttributeAsync(staff, lookUp == "institution" ? SearchField.Institution : SearchField.Country, value,
                q["continuation"], cancellationToken);
        view[nameof(StaffPage.NextQuery)] = lookUp + "=" + Uri.EscapeDataString(value);
    }
}
