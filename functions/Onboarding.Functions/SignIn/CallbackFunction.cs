using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

public sealed class CallbackFunction(CallbackHandler handler, HttpResponder responder)
{
    /// <summary>The redirect URI registered at the provider.</summary>
    [Function("Callback")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/callback")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var query = request.Query;
            var result = await handler.HandleAsync(tenant,
                new CallbackParameters(query["code"], query["state"], query["iss"], query["error"]),
                LoginCookie.Read(request), request.HttpContext.RequestAborted);
            return SignInResponses.For(request, result);
        });
}
