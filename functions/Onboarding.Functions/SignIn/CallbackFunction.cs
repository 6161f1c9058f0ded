using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.SignIn;
using Onboarding.Staff;
using Onboarding.Users;

namespace Onboarding.Functions.SignIn;

public sealed class CallbackFunction(CallbackHandler handler, UserSessions sessions, StaffSessions staffSessions,
    CheckAgainRedirects checks, BrowserCookies cookies, HttpResponder responder)
{
    /// <summary>The redirect URI registered at the provider.</summary>
    [Function("Callback")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/callback")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async ct =>
        {
            var query = request.Query;
            var result = await handler.HandleAsync(tenant,
                new CallbackParameters(query["code"], query["state"], query["iss"], query["error"]),
                cookies.ReadLogin(request, tenant), ct);
            return result switch
            {
                { Staff: { } staff } => StaffSession(request, tenant, staff),
                { NeedsInteraction: true } => await checks.ToProviderAsync(request, result.Tenant, result.ReturnTo?.AbsoluteUri, silent: false, ct),
                _ => PersonSession(request, result),
            };
        });

    /// <summary>Signed in for the staff page: a staff session if they have a staff role here.</summary>
    private IResult StaffSession(HttpRequest request, string tenant, StaffSignIn staff)
    {
        if (staff.Roles.Count == 0)
        {
            throw new OnboardingException(ApiError.PermissionsInsufficient, "Your account has no staff role on this platform.");
        }

        cookies.WriteStaff(request.HttpContext.Response, staffSessions.Issue(tenant, staff.ActorId, staff.AccessToken, staff.AccessTokenExpiresAt));
        return Redirects.SeeOther(request, Routes.Staff(tenant));
    }

    private IResult PersonSession(HttpRequest request, SignInResult result)
    {
        cookies.WriteSession(request.HttpContext.Response, sessions.Issue(result.Tenant.Id, result.UserId));
        return result.Check ? CheckAgainRedirects.Checked(request, result) : SignInResponses.For(request, result);
    }
}
