using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.Privacy;

namespace Onboarding.Functions.Privacy;

public sealed class MyDataFunction(SelfService self, PersonPages pages, HttpResponder responder)
{
    /// <summary>
    /// Everything stored about the caller in this tenant (right of access): a page in plain words for
    /// a browser, JSON for scripts, and the same JSON as a file with <c>format=json</c> (the page's
    /// "Download" button).
    /// </summary>
    [Function("MyData")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/me/data")] HttpRequest request,
        string tenant) =>
        responder.ForPerson(request, tenant, PersonProof.BearerOrSession, async (person, ct) =>
        {
            var data = await self.DataAsync(person, ct);
            var download = request.Query["format"] == "json";
            return !download && Negotiation.PrefersHtml(request)
                ? await pages.DataAsync(request, person, data)
                : DataExportResponse.Json(request.HttpContext.Response, tenant, person.UserId, data, download);
        });
}
