using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Privacy;
using Onboarding.SignIn;

namespace Onboarding.Functions.Privacy;

public sealed class MyDataFunction(SelfService self, SelfAuthenticator people, BrowserCookies cookies, HttpResponder responder)
{
    /// <summary>Everything stored about the caller in this tenant, as JSON (right of access).</summary>
    [Function("MyData")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/me/data")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var ct = request.HttpContext.RequestAborted;
            var caller = await people.IdentifyAsync(tenant, request.Headers.Authorization, cookies.ReadSession(request, tenant), ct);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return await self.DataAsync(caller, ct) is { } data
                ? TypedResults.Json(data, ApiJson.Options)
                : TypedResults.Json(new { tenant, user_id = caller.UserId, record = (object?)null, note = "Nothing is stored about you." },
                    ApiJson.Options);
        });
}
