using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Staff;
using Onboarding.Pages;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Staff;

public sealed class StaffPageFunction(
    TenantCatalog tenants,
    StaffAuthenticator authenticator,
    StaffSessions sessions,
    SupportService support,
    AuditLines audit,
    TimeProvider time,
    BrowserCookies cookies,
    PageRenderer pages,
    StaffFrames frames,
    StaffGate gate,
    HttpResponder responder)
{
    /// <summary>The query fields that make a GET look someone up (and write an audit entry), in the order they are read.</summary>
    private static readonly string[] LookUpFields = ["user", "email", "institution", "country"];

    /// <summary>
    /// The staff page. GET: sign-in, search by email, institution or country, a user's view, the
    /// erase confirmation, the audit log for operators. POST (the page's forms, with the session's
    /// anti-forgery token): re-check or erase, then back to the page (post/redirect/get).
    /// </summary>
    /// <remarks>A GET that looks someone up (and so writes an audit entry) runs only when it comes from
    /// the service's own pages (<see cref="StaffGate.IsFromOwnPages"/>): the Lax staff cookie also
    /// comes with a link followed from another site. Otherwise the page shows the search form and says
    /// why nothing was searched.</remarks>
    [Function("StaffPage")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "tenants/{tenant}/staff")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var displayName = tenants.Get(tenant).DisplayName;
            if (sessions.Read(cookies.ReadStaff(request, tenant)) is not { } session || session.TenantId != tenant)
            {
                return await pages.PageAsync<StaffSignIn>(200, new PageFrame("Staff sign-in", displayName), new()
                {
                    [nameof(StaffSignIn.TenantId)] = tenant,
                    [nameof(StaffSignIn.DisplayName)] = displayName,
                });
            }

            return HttpMethods.IsPost(request.Method) ? await ActAsync(request, tenant, session) : await ShowAsync(request, tenant, session);
        });

    private async Task<IResult> ShowAsync(HttpRequest request, string tenant, StaffSession session)
    {
        var (q, ct) = (request.Query, request.HttpContext.RequestAborted);
        var cookie = cookies.ReadStaff(request, tenant);
        var view = new Dictionary<string, object?>();
        if (q["view"] == "audit")
        {
            var staff = await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.ReadAudit, ct);
            var query = AuditQuery.Parse(q["from"], q["to"], q["staff"], q["user"], q["action"], time.GetUtcNow());
            view[nameof(StaffPage.Staff)] = staff;
            view[nameof(StaffPage.AuditQuery)] = query;
            view[nameof(StaffPage.Audit)] = await audit.ReadAsync(staff.Tenant, query, q["continuation"], 100, ct);
        }
        else if (await authenticator.AuthenticateAnyAsync(tenant, null, cookie, ct) is { } member
            && !StaffPolicy.Allows(member.Roles, StaffRight.LookUpUsers))
        {
            view[nameof(StaffPage.Staff)] = member;
            view[nameof(StaffPage.OperatorOnly)] = true;
        }
        else
        {
            var staff = await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.LookUpUsers, ct);
            view[nameof(StaffPage.Staff)] = staff;
            view[nameof(StaffPage.Done)] = q["done"].ToString() is { Length: > 0 } done ? done : null;
            view[nameof(StaffPage.LinkToken)] = sessions.LinkToken(session);
            var lookUp = LookUpFields.FirstOrDefault(field => q[field].ToString().Length > 0);
            if (lookUp is not null && !gate.IsFromOwnPages(request, session, lookUp))
            {
                view[nameof(StaffPage.LookUpRefused)] = true;
            }
            else if (q["user"].ToString() is { Length: > 0 } userId)
            {
                var shown = await support.GetAsync(staff, userId, ct);
                view[nameof(StaffPage.User)] = q["done"] == "recheck" ? shown with { Changes = StepChanges.Read(q["changed"], staff.Tenant) } : shown;
                view[nameof(StaffPage.ConfirmingErase)] = q["confirm"] == "erase";
                view[nameof(StaffPage.AntiForgeryToken)] = sessions.AntiForgeryToken(session);
            }
            else if (q["email"].ToString() is { Length: > 0 } email)
            {
                view[nameof(StaffPage.Results)] = await support.FindByEmailAsync(staff, email, ct);
                view[nameof(StaffPage.NextQuery)] = "email=" + Uri.EscapeDataString(email);
            }
            else if (q["institution"].ToString() is { Length: > 0 } institution)
            {
                view[nameof(StaffPage.Results)] = await support.FindByAttributeAsync(staff, SearchField.Institution, institution, q["continuation"], ct);
                view[nameof(StaffPage.NextQuery)] = "institution=" + Uri.EscapeDataString(institution);
            }
            else if (q["country"].ToString() is { Length: > 0 } country)
            {
                view[nameof(StaffPage.Results)] = await support.FindByAttributeAsync(staff, SearchField.Country, country, q["continuation"], ct);
                view[nameof(StaffPage.NextQuery)] = "country=" + Uri.EscapeDataString(country);
            }
        }

        return await pages.PageAsync<StaffPage>(200, frames.For("Staff", (StaffMember)view[nameof(StaffPage.Staff)]!, "staff"), view);
    }

    private async Task<IResult> ActAsync(HttpRequest request, string tenant, StaffSession session)
    {
        var ct = request.HttpContext.RequestAborted;
        var form = await Forms.ReadAsync(request, ct);
        if (!sessions.IsValidAntiForgeryToken(session, form["csrf"]))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "This form came from another page. Nothing was done.");
        }

        var userId = form["user"].ToString();
        var cookie = cookies.ReadStaff(request, tenant);
        string location;
        switch (form["action"].ToString())
        {
            case "recheck":
                var rechecked = await support.RecheckAsync(await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.RecheckUsers, ct), userId, ct);
                location = Routes.StaffLookUp(tenant, $"user={Uri.EscapeDataString(userId)}&done=recheck&changed={Uri.EscapeDataString(StepChanges.Write(rechecked.Changes ?? []))}",
                    sessions.LinkToken(session));
                break;
            case "erase" when form["confirm"] == "yes":
                await support.EraseAsync(await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.EraseUsers, ct), userId, ct);
                location = $"{Routes.Staff(tenant)}?done=erased";
                break;
            default:
                throw new OnboardingException(ApiError.ParameterInvalid, "Unknown or unconfirmed action. Nothing was done.");
        }

        request.HttpContext.Response.Headers.Location = location;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }
}
