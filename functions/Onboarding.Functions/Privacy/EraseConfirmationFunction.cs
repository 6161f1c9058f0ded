using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Privacy;
using Onboarding.Privacy;
using Onboarding.SignIn;
using Onboarding.Users;

namespace Onboarding.Functions.Privacy;

public sealed class EraseConfirmationFunction(SelfService self, SelfAuthenticator people, UserSessions sessions, BrowserCookies cookies, PageRenderer pages,
    PersonPages personPages, HttpResponder responder)
{
    /// <summary>
    /// Erasure from the browser: GET shows what will go and asks to confirm; POST (with the form's
    /// anti-forgery token and the session cookie) erases and ends the session.
    /// </summary>
    [Function("EraseConfirmation")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "tenants/{tenant}/me/erase")] HttpRequest request,
        string tenant, CancellationToken cancellationToken) =>
        responder.Run(request, async () =>
        {
            var caller = await people.IdentifyAsync(tenant, null, cookies.ReadSession(request, tenant), cancellationToken);
            var session = caller.Session!;
            if (HttpMethods.IsGet(request.Method))
            {
                var email = (await self.StatusAsync(caller, cancellationToken))?.User.Email;
                return await pages.PageAsync<EraseConfirmation>(200, personPages.Frame("Erase your data", caller, email), new()
                {
                    [nameof(EraseConfirmation.TenantId)] = tenant,
                    [nameof(EraseConfirmation.AntiForgeryToken)] = sessions.AntiForgeryToken(session),
                });
            }

            var form = await Forms.ReadAsync(request, cancellationToken);
            if (!sessions.IsValidAntiForgeryToken(session, form["csrf"]) || form["confirm"] != "yes")
            {
                throw new OnboardingException(ApiError.ParameterInvalid, "The confirmation was missing or came from another page. Nothing was erased.");
            }

            await self.EraseAsync(caller, cancellationToken);
            cookies.ClearSessions(request.HttpContext.Response, tenant);
            return await pages.PageAsync<Erased>(200, new PageFrame("Your data is erased", caller.Tenant.DisplayName), new()
            {
                [nameof(Erased.TenantName)] = caller.Tenant.DisplayName,
            });
        });
}
