using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Microsoft.Extensions.Options;
using Onboarding.SignIn;
using Onboarding.Users;

namespace Onboarding.Functions.SignIn;

public sealed class CallbackFunction(CallbackHandler handler, UserSessions sessions, HttpResponder responder, IOptions<SignInOptions> options)
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
            SessionCookie.Write(request.HttpContext.Response, sessions.Issue(tenant, result.User.UserId), options.Value.SecureCookies);
            return SignInResponses.For(request, result);
        });
}
