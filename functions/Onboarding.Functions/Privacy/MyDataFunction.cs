using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Privacy;

namespace Onboarding.Functions.Privacy;

public sealed class MyDataFunction(SelfService self, HttpResponder responder)
{
    /// <summary>Everything stored about the caller in this tenant, as JSON (right of access).</summary>
    [Function("MyData")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/me/data")] HttpRequest request,
        string tenant) =>
        responder.ForPerson(request, tenant, PersonProof.BearerOrSession, async (person, ct) =>
            await self.DataAsync(person, ct) is { } data
                ? TypedResults.Json(data, ApiJson.Options)
                : TypedResults.Json(new { tenant, user_id = person.UserId, record = (object?)null, note = "Nothing is stored about you." },
                    ApiJson.Options));
}
