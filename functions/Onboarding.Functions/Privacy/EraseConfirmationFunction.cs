using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.Pages.Privacy;
using Onboarding.Privacy;
using Onboarding.Users;

namespace Onboarding.Functions.Privacy;

public sealed class EraseConfirmationFunction(SelfService self, UserSessions sessions, BrowserCookies cookies, PageRenderer pages,
    PageFrames frames, PersonPages personPages, HttpResponder responder)
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
            ? responder.ForPerson(request, tenant, PersonProof.Session, (person, ct) => ConfirmAsync(request, person, ct))
            : responder.ForPersonForm(request, tenant, Refusal, (person, form, ct) => EraseAsync(request, person, form, ct));

    private async Task<IResult> ConfirmAsync(HttpRequest request, PersonCaller person, CancellationToken cancellationToken)
    {
        var email = (await self.StatusAsync(person, cancellationToken))?.User.Email;
        return await pages.PageAsync<EraseConfirmation>(200, personPages.Frame(request, "erase.title", person, email, PersonPages.DataPage), new()
        {
            [nameof(EraseConfirmation.TenantId)] = person.Tenant.Id,
            [nameof(EraseConfirmation.TenantName)] = person.Tenant.DisplayName,
            [nameof(EraseConfirmation.AntiForgeryToken)] = sessions.AntiForgeryToken(person.Session!),
        });
    }

    private async Task<IResult> EraseAsync(HttpRequest request, PersonCaller person, IFormCollection form, CancellationToken cancellationToken)
    {
        if (form["confirm"] != "yes")
        {
            throw new OnboardingException(ApiError.ParameterInvalid, Refusal);
        }

        await self.EraseAsync(person, cancellationToken);
        cookies.ClearSessions(request.HttpContext.Response, person.Tenant.Id);
        return await pages.PageAsync<Erased>(200, frames.Person(request, "erase.doneTitle", person.Tenant), new()
        {
            [nameof(Erased.TenantName)] = person.Tenant.DisplayName,
            [nameof(Erased.Login)] = Routes.Login(person.Tenant.Id),
        });
    }
}
