using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Privacy;

namespace Onboarding.Functions.Privacy;

public sealed class EraseMeFunction(SelfService self, HttpResponder responder)
{
    /// <summary>Erases every personal item of the caller in this tenant: 204, and 204 again when repeated.</summary>
    [Function("EraseMe")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tenants/{tenant}/me")] HttpRequest request,
        string tenant) =>
        responder.ForPerson(request, tenant, PersonProof.Bearer, async (person, ct) =>
        {
            await self.EraseAsync(person, ct);
            return TypedResults.NoContent();
        });
}
