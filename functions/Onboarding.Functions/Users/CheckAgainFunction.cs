using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Status;

namespace Onboarding.Functions.Users;

public sealed class CheckAgainFunction(StatusCheck check, CheckAgainRedirects redirects, HttpResponder responder)
{
    /// <summary>
    /// The status page's "Check again": the partners asked now, or the login service silently when
    /// the membership is not done; then the status page with what changed. Once per person per 30 s.
    /// </summary>
    [Function("CheckAgain")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenants/{tenant}/me/check")] HttpRequest request,
        string tenant) =>
        responder.ForPersonForm(request, tenant, "This form came from another page, so nothing was checked. Press “Check again” on your status page.",
            async (person, form, ct) => await redirects.AfterCheckAsync(request, person.Tenant, await check.CheckAsync(person, ct), form["return_to"], ct));
}
