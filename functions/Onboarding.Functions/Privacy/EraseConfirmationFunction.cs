using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
using Onboarding.Users;
using static Onboarding.Functions.Http.Html;

namespace Onboarding.Functions.Privacy;

public sealed class EraseConfirmationFunction(SelfService self, UserSessions sessions, BrowserCookies cookies, HttpResponder responder)
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
            var caller = await self.IdentifyAsync(tenant, null, cookies.ReadSession(request, tenant), ct);
            var session = caller.Session!;
            if (HttpMethods.IsGet(request.Method))
            {
                return Page(200, "Erase your data", ConfirmationBody(tenant, sessions.AntiForgeryToken(session)));
            }

            var form = await request.ReadFormAsync(ct);
            if (!sessions.IsValidAntiForgeryToken(session, form["csrf"]) || form["confirm"] != "yes")
            {
                throw new OnboardingException(ApiError.ParameterInvalid, "The confirmation was missing or came from another page. Nothing was erased.");
            }

            await self.EraseAsync(caller, ct);
            cookies.ClearSessions(request.HttpContext.Response, tenant);
            return Page(200, "Your data is erased", $"<main><h1>Your data is erased</h1><p>We no longer keep anything about you on {E(caller.Tenant.DisplayName)}. " +
                "If you sign in again, you start afresh.</p></main>");
        });

    private static string ConfirmationBody(string tenant, string csrf) => $"""
        <main>
          <h1>Erase your data?</h1>
          <p>This deletes your email, institution, country, sign-in history and onboarding status here, at once.
             It cannot be undone. Counts in anonymous reports are kept; they do not name you.</p>
          <form method="post" action="/api/tenants/{E(tenant)}/me/erase">
            <input type="hidden" name="csrf" value="{E(csrf)}">
            <input type="hidden" name="confirm" value="yes">
            <button type="submit">Yes, erase my data</button>
            <a href="/api/tenants/{E(tenant)}/me">No, keep it</a>
          </form>
        </main>
        """;
}
