using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Onboarding.Functions.Http;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

public sealed class LoginFunction(LoginStarter starter, HttpResponder responder, IOptions<SignInOptions> options)
{
    /// <summary>The platform sends people here; answers with a redirect to the tenant's provider.</summary>
    [Function("Login")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/login")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var start = await starter.StartAsync(tenant, request.Query["return_to"], request.Query["login_hint"], request.Query["for"],
                LoginCookie.Read(request), request.HttpContext.RequestAborted);
            LoginCookie.Write(request.HttpContext.Response, tenant, start.BrowserBinding,
                options.Value.LoginAttemptLifetime, options.Value.SecureCookies);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return TypedResults.Redirect(start.AuthorizeUrl);
        });
}
