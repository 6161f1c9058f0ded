using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
using Onboarding.Users;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Privacy;

namespace Onboarding.Functions.Privacy;

public sealed class EraseConfirmationFunction(SelfService self, UserSessions sessions, HttpResponder responder,
    PageRenderer pages, IOptions<SignInOptions> options)
{
    /// <summary>
    /// Erasure from the browser: GET shows what will go and asks to confirm; POST (with the form's
    /// anti-forgery token and the session cookie) erases and ends the session.
    /// </summary>
    [Function("EraseConfirmation")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "tenants/{tenant}/me/erase")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var ct = request.HttpContext.RequestAborted;
            var caller = await self.IdentifyAsync(tenant, null, SessionCookie.Read(request), ct);
            var session = caller.Session!;
            if (HttpMethods.IsGet(request.Method))
            {
                return await pages.PageAsync<EraseConfirmation>(200, new PageFrame("Erase your data", caller.Tenant.DisplayName), new()
                {
                    [nameof(EraseConfirmation.TenantId)] = tenant,
                    [nameof(EraseConfirmation.AntiForgeryToken)] = sessions.AntiForgeryToken(session),
                });
            }

            var form = await request.ReadFormAsync(ct);
            if (!sessions.IsValidAntiForgeryToken(session, form["csrf"]) || form["confirm"] != "yes")
            {
                throw new OnboardingException(ApiError.ParameterInvalid, "The confirmation was missing or came from another page. Nothing was erased.");
            }

            await self.EraseAsync(caller, ct);
            SessionCookie.Clear(request.HttpContext.Response, tenant, options.Value.SecureCookies);
            return await pages.PageAsync<Erased>(200, new PageFrame("Your data is erased", caller.Tenant.DisplayName), new()
            {
                [nameof(Erased.TenantName)] = caller.Tenant.DisplayName,
            });
        });
}
