using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Functions.SignIn;
using Onboarding.Privacy;
using Onboarding.SignIn;
using Onboarding.Tenants;

namespace Onboarding.Functions.Users;

public sealed class MeFunction(MeService me, SelfService self, SelfAuthenticator people, TenantCatalog tenants, BrowserCookies cookies, PersonPages pages,
    HttpResponder responder)
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
        responder.Run(request, async () =>
        {
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            var ct = request.HttpContext.RequestAborted;
            if (!string.IsNullOrEmpty(request.Headers.Authorization))
            {
                return TypedResults.Json(UserBody.From(tenant, await me.GetAsync(tenant, request.Headers.Authorization, ct)), ApiJson.Options);
            }

            // The return address comes back from the callback's redirect: checked again, as at /login.
            var continueTo = ReturnToPolicy.Check(tenants.Get(tenant), request.Query["return_to"]);
            var caller = await people.IdentifyAsync(tenant, null, cookies.ReadSession(request, tenant), ct);
            var recorded = await self.StatusAsync(caller, ct)
                ?? throw new OnboardingException(ApiError.AuthenticationRequired, "There is no record of you here any more. Sign in again.");
            return Negotiation.WantsJson(request)
                ? TypedResults.Json(UserBody.From(tenant, recorded), ApiJson.Options)
                : await pages.StatusAsync(caller, recorded, continueTo);
        });
}
