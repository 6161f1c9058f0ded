using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Privacy;
using Onboarding.Privacy;
using Onboarding.Users;

namespace Onboarding.Functions.Privacy;

public sealed class EraseConfirmationFunction(SelfService self, UserSessions sessions, BrowserCookies cookies, PageRenderer pages,
    PersonPages personPages, HttpResponder responder)
{
    private const string Refusal = "The confirmation was missing or came from another page. Nothing was erased.";

    /// <summary>
    /// Erasure from the browser: GET shows what will go and asks to confirm; POST (with the form's
    /// anti-forgery token and the session cookie) erases and ends the session.
    /// </summary>
    [Function("EraseConfirmation")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "tenants/{tenant}/me/erase")] HttpRequest request,
        string tenant) =>
        HttpMethods.IsGet(request.Method)
            ? responder.ForPerson(request, tenant, PersonProof.Session, ConfirmAsync)
            : responder.ForPersonForm(request, tenant, Refusal, (person, form, ct) => EraseAsync(request.HttpContext.Response, person, form, ct));

    private async Task<IResult> ConfirmAsync(PersonCaller person, CancellationToken cancellationToken)
    {
        var email = (await self.StatusAsync(person, cancellationToken))?.User.Email;
        return await pages.PageAsync<EraseConfirmation>(200, personPages.Frame("Erase your data", person, email), new()
        {
            [nameof(EraseConfirmation.TenantId)] = person.Tenant.Id,
            [nameof(EraseConfirmation.AntiForgeryToken)] = sessions.AntiForgeryToken(person.Session!),
        });
    }

    private async Task<IResult> EraseAsync(HttpResponse response, PersonCaller person, IFormCollection form, CancellationToken cancellationToken)
    {
        if (form["confirm"] != "yes")
        {
            throw new OnboardingException(ApiError.ParameterInvalid, Refusal);
        }

        await self.EraseAsync(person, cancellationToken);
        cookies.ClearSessions(response, person.Tenant.Id);
        return await pages.PageAsync<Erased>(200, new PageFrame("Your data is erased", person.Tenant.DisplayName), new()
        {
            [nameof(Erased.TenantName)] = person.Tenant.DisplayName,
        });
    }
}
