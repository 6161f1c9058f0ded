using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Staff;
using Onboarding.Users;

namespace Onboarding.Functions.SignIn;

public sealed class CallbackFunction(CallbackHandler handler, UserSessions sessions, StaffSessions staffSessions, HttpResponder responder,
    SignInResponses responses, IOptions<SignInOptions> options)
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
            var secure = options.Value.SecureCookies;
            if (result.Staff is { } staff)
            {
                // Signed in for the staff page: a staff session if they have a staff role here.
                if (staff.Roles.Count == 0)
                {
                    throw new OnboardingException(ApiError.PermissionsInsufficient, "Your account has no staff role on this platform.");
                }

                StaffCookie.Write(request.HttpContext.Response, staffSessions.Issue(tenant, staff.ActorId, staff.Roles), secure);
                request.HttpContext.Response.Headers.Location = $"/api/tenants/{Uri.EscapeDataString(tenant)}/staff";
                return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
            }

            SessionCookie.Write(request.HttpContext.Response, sessions.Issue(tenant, result.UserId), secure);
            return await responses.ForAsync(request, result);
        });
}
