using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Staff;

public sealed class StaffPageFunction(
    TenantCatalog tenants,
    StaffAuthenticator authenticator,
    StaffSessions sessions,
    SupportService support,
    AuditTrail audit,
    TimeProvider time,
    BrowserCookies cookies,
    HttpResponder responder)
{
    /// <summary>
    /// The staff page. GET: sign-in, search by email, institution or country, a user's view, the
    /// erase confirmation, the audit log for operators. POST (the page's forms, with the session's
    /// anti-forgery token): re-check or erase, then back to the page (post/redirect/get).
    /// </summary>
    [Function("StaffPage")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "tenants/{tenant}/staff")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var displayName = tenants.Get(tenant).DisplayName;
            if (sessions.Read(cookies.ReadStaff(request, tenant)) is not { } session || session.TenantId != tenant)
            {
                return Html.Page(200, "Staff sign-in", StaffPages.SignIn(tenant, displayName));
            }

            return HttpMethods.IsPost(request.Method) ? await ActAsync(request, tenant, session) : await ShowAsync(request, tenant, session);
        });

    private async Task<IResult> ShowAsync(HttpRequest request, string tenant, StaffSession session)
    {
        var (q, ct) = (request.Query, request.HttpContext.RequestAborted);
        var cookie = cookies.ReadStaff(request, tenant);
        var csrf = sessions.AntiForgeryToken(session);
        var body = new System.Text.StringBuilder();
        if (q["view"] == "audit")
        {
            var staff = await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.ReadAudit, ct);
            var now = time.GetUtcNow();
            body.Append(StaffPages.Header(staff)).Append(StaffPages.Audit(await audit.ReadAsync(tenant, now.AddDays(-30), now, q["continuation"], 100, ct)));
        }
        else if (await authenticator.AuthenticateAnyAsync(tenant, null, cookie, ct) is { } member
            && !StaffPolicy.Allows(member.Roles, StaffRight.LookUpUsers))
        {
            body.Append(StaffPages.Header(member)).Append("<p>Operators read the reports and the audit log; looking people up is for support staff.</p>");
        }
        else
        {
            var staff = await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.LookUpUsers, ct);
            body.Append(StaffPages.Header(staff)).Append(StaffPages.Notice(q["done"])).Append(StaffPages.SearchForm(tenant));
            if (q["user"].ToString() is { Length: > 0 } userId)
            {
                var view = await support.GetAsync(staff, userId, ct);
                body.Append(q["confirm"] == "erase" ? StaffPages.ConfirmErase(staff, view, csrf) : StaffPages.User(staff, view, csrf));
            }
            else if (q["email"].ToString() is { Length: > 0 } email)
            {
                body.Append(StaffPages.Results(tenant, await support.FindByEmailAsync(staff, email, ct), ""));
            }
            else if (q["institution"].ToString() is { Length: > 0 } institution)
            {
                var page = await support.FindByAttributeAsync(staff, SearchField.Institution, institution, q["continuation"], ct);
                body.Append(StaffPages.Results(tenant, page, "institution=" + Uri.EscapeDataString(institution)));
            }
            else if (q["country"].ToString() is { Length: > 0 } country)
            {
                var page = await support.FindByAttributeAsync(staff, SearchField.Country, country, q["continuation"], ct);
                body.Append(StaffPages.Results(tenant, page, "country=" + Uri.EscapeDataString(country)));
            }
        }

        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Html.Page(200, "Staff", $"<main class=\"staff\">{body}</main>");
    }

    private async Task<IResult> ActAsync(HttpRequest request, string tenant, StaffSession session)
    {
        var ct = request.HttpContext.RequestAborted;
        var form = await request.ReadFormAsync(ct);
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
                await support.RecheckAsync(await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.RecheckUsers, ct), userId, ct);
                location = $"{StaffPages.Base(tenant)}?user={Uri.EscapeDataString(userId)}&done=recheck";
                break;
            case "erase" when form["confirm"] == "yes":
                await support.EraseAsync(await authenticator.AuthenticateAsync(tenant, null, cookie, StaffRight.EraseUsers, ct), userId, ct);
                location = $"{StaffPages.Base(tenant)}?done=erased";
                break;
            default:
                throw new OnboardingException(ApiError.ParameterInvalid, "Unknown or unconfirmed action. Nothing was done.");
        }

        request.HttpContext.Response.Headers.Location = location;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }
}
