using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Privacy;
using Onboarding.SignIn;

namespace Onboarding.Functions.Privacy;

public sealed class EraseMeFunction(SelfService self, SelfAuthenticator people, HttpResponder responder)
{
    /// <summary>Erases every personal item of the caller in this tenant: 204, and 204 again when repeated.</summary>
    [Function("EraseMe")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tenants/{tenant}/me")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            // Bearer only: a DELETE from a browser session could be forged; browsers use the confirmation form.
            var caller = await people.IdentifyAsync(tenant, request.Headers.Authorization.ToString(), null, request.HttpContext.RequestAborted);
            await self.EraseAsync(caller, request.HttpContext.RequestAborted);
            return TypedResults.NoContent();
        });
}
