using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Pages.Staff;
using Onboarding.Staff;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

/// <summary>
/// What the staff page shows for a GET: the audit log (operators), the operators' landing, or the
/// support view (search form, results, a user, the erase confirmation).
/// </summary>
/// <remarks>A GET runs a look-up (and so writes an audit entry) only from <c>q</c>, a look-up the page
/// sealed to this session after its search form was posted (<see cref="StaffLookUps"/>), and only when
/// the browser does not say it comes from another site (<see cref="LookUpOrigin"/>). A look-up in the
/// address itself (<c>?email=</c>) is never run: the page shows the search form and says why.</remarks>
public sealed class StaffPageViews(
    StaffAuthenticator authenticator,
    StaffSessions sessions,
    StaffLookUps lookUps,
    SupportService support,
    AuditLines audit,
    StaffDirectory directory,
    LookUpOrigin origin,
    TimeProvider time,
    PageRenderer pages,
    StaffFrames frames)
{
    /// <summary>The query fields of look-ups in the address, which the page never runs.</summary>
    private static readonly string[] InAddress = ["user", "email", "institution", "country"];

    private const int AuditPageSize = 100;

    public async Task<IResult> ShowAsync(HttpRequest request, StaffMember staff, CancellationToken cancellationToken)
    {
        var view = new Dictionary<string, object?> { [nameof(StaffPage.Staff)] = staff };
        if (request.Query["view"] == "audit")
        {
            await AuditAsync(view, authenticator.Require(staff, StaffRight.ReadAudit), request.Query, cancellationToken);
        }
        else if (request.Query["view"] == "rights")
        {
            view[nameof(StaffPage.Rights)] = await directory.ReadHoldersAsync(authenticator.Require(staff, StaffRight.ReadAudit).Tenant.Id, cancellationToken);
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
        view[nameof(StaffPage.Problem)] = StaffSearch.Problems.ContainsKey(q["problem"].ToString()) ? q["problem"].ToString() : null;
        view[nameof(StaffPage.AntiForgeryToken)] = sessions.AntiForgeryToken(session);
        view[nameof(StaffPage.Seal)] = (Func<StaffLookUp, string>)(lookUp => lookUps.Seal(session, lookUp));
        if (q[StaffLookUps.Parameter].Count == 0)
        {
            if (InAddress.FirstOrDefault(field => q[field].ToString().Length > 0) is { } field)
            {
                origin.RefuseInAddress(session, field);
                view[nameof(StaffPage.LookUpRefused)] = true;
            }

            return;
        }

        if (origin.Open(request, session, "staff page") is not { } lookUp)
        {
            view[nameof(StaffPage.LookUpRefused)] = true;
            return;
        }

        if (lookUp.IsUser)
        {
            var shown = await support.GetAsync(staff, lookUp.Value, cancellationToken);
            view[nameof(StaffPage.User)] = q["done"] == "recheck" ? shown with { Changes = StepChanges.Read(q["changed"], staff.Tenant) } : shown;
            view[nameof(StaffPage.ConfirmingErase)] = q["confirm"] == "erase";
            return;
        }

        if (StaffSearch.Of(lookUp) is not { } search)
        {
            view[nameof(StaffPage.LookUpRefused)] = true; // sealed here, so never: a look-up of a kind this version does not know
            return;
        }

        var sort = StaffSearch.SortOf(q["sort"]);
        view[nameof(StaffPage.Search)] = search;
        view[nameof(StaffPage.Sort)] = sort;
        view[nameof(StaffPage.SearchQuery)] = q[StaffLookUps.Parameter].ToString();
        view[nameof(StaffPage.Results)] = await support.SearchAsync(staff, search, sort, q["continuation"], SupportService.PageSize, cancellationToken);
    }
}
