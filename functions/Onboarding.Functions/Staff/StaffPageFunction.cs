using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;

namespace Onboarding.Functions.Staff;

public sealed class StaffPageFunction(StaffPageViews views, StaffPageActions actions, HttpResponder responder)
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
        HttpMethods.IsPost(request.Method)
            ? responder.ForStaffForm(request, tenant, async (staff, form, ct) => Redirects.SeeOther(request, await actions.ActAsync(staff, form, ct)))
            : responder.ForStaffPage(request, tenant, StaffPageAccess.StaffPage, (staff, ct) => views.ShowAsync(request, staff, ct));
}
