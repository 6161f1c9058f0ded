using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Privacy;
using Onboarding.SignIn;
using Onboarding.Status;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Users;

public sealed class MeFunction(MeService me, SelfService self, PersonPages pages, HttpResponder responder)
{
    /// <summary>
    /// The caller's own record and onboarding status: for a bearer token of the tenant's provider
    /// (JSON; the first use of a person's tokens on a UTC day counts as a sign-in, later ones that day
    /// only refresh the status), or for the browser session set at sign-in (the status page).
    /// </summary>
    [Function("Me")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/me")] HttpRequest request,
        string tenant) =>
        string.IsNullOrEmpty(request.Headers.Authorization)
            ? responder.ForPerson(request, tenant, PersonProof.Session, (person, ct) => StatusAsync(request, person, ct))
            : responder.ForBearer(request, tenant, async (caller, ct) => TypedResults.Json(UserBody.From(tenant, await me.GetAsync(caller, ct)), ApiJson.Options));

    private async Task<IResult> StatusAsync(HttpRequest request, PersonCaller person, CancellationToken cancellationToken)
    {
        // The return address comes back from the callback's redirect: checked again, as at /login.
        var continueTo = ReturnToPolicy.Check(person.Tenant, request.Query["return_to"]);
        var recorded = await self.StatusAsync(person, cancellationToken)
            ?? throw new OnboardingException(ApiError.UserNotFound, "There is no record of you here any more. Sign in again.");
        return Negotiation.WantsJson(request)
            ? TypedResults.Json(UserBody.From(person.Tenant.Id, recorded), ApiJson.Options)
            : await pages.StatusAsync(request, person, recorded, continueTo, CheckOf(request.Query, person.Tenant));
    }

    /// <summary>What the "Check again" just done found, as its redirect carries it (step ids and states only).</summary>
    private static CheckShown? CheckOf(IQueryCollection query, Tenant tenant) => query["checked"].ToString() switch
    {
        "1" => new CheckShown(StepChanges.Read(query["changed"], tenant), TooSoon: false),
        "wait" => new CheckShown(null, TooSoon: true),
        _ => null,
    };
}
