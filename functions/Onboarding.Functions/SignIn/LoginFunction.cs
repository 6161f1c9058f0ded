using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

public sealed class LoginFunction(LoginStarter starter, BrowserCookies cookies, ClientRateLimits limits, HttpResponder responder)
{
    /// <summary>
    /// The platform sends people here; answers with a redirect to the tenant's provider.
    /// <c>return_to</c>: where to go afterwards; <c>login_hint</c>; <c>for=staff</c>: the staff page;
    /// <c>prompt=select_account</c> or <c>prompt=login</c>: "use another account" (the provider asks who
    /// is signing in: its account choice where it offers one, else its login form).
    /// </summary>
    [Function("Login")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/login")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async ct =>
        {
            var q = request.Query;
            limits.Take(request, tenant, q["for"] == LoginStarter.StaffPurpose ? LimitedAction.StaffLogin : LimitedAction.Login);
            var start = await starter.StartAsync(tenant,
                new LoginRequest(q["return_to"], q["login_hint"], q["for"], SwitchAccount: (string?)q["prompt"] is "login" or Routes.SwitchAccountPrompt),
                cookies.ReadLogin(request, tenant), ct);
            cookies.WriteLogin(request.HttpContext.Response, tenant, start.Cookie);
            return TypedResults.Redirect(start.AuthorizeUrl);
        });
}
