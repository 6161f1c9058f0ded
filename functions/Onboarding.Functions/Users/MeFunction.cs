using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Users;

namespace Onboarding.Functions.Users;

public sealed class MeFunction(MeService me, HttpResponder responder)
{
    /// <summary>The caller's own record and onboarding status, for a bearer token of the tenant's provider.</summary>
    [Function("Me")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/me")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var recorded = await me.GetAsync(tenant, request.Headers.Authorization, request.HttpContext.RequestAborted);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(UserBody.From(tenant, recorded), ApiJson.Options);
        });
}
