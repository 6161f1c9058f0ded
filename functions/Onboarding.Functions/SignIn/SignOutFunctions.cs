using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
using Onboarding.Staff;

namespace Onboarding.Functions.SignIn;

public sealed class SignOutFunction(StaffAuthenticator staffAuthenticator, ProviderSignOut provider,
    BrowserCookies cookies, HttpResponder responder)
{
    /// <summary>
    /// Sign-out (the form on every page of a signed-in person or staff member): ends the service's
    /// sessions of this tenant in this browser (a staff session everywhere: its access token is revoked),
    /// then the provider's session where it offers that.
    /// </summary>
    /// <remarks>A POST with the session's anti-forgery token, so another site cannot sign people out:
    /// without a session (a forged POST carries no Lax cookie) nothing is cleared.</remarks>
    [Function("SignOut")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenants/{tenant}/logout")] HttpRequest request,
        string tenant) =>
        responder.ForSignOut(request, tenant, async (signedIn, ct) =>
        {
            if (signedIn.None)
            {
                // Nothing to end (a cross-site POST carries no Lax cookie): clear nothing, or another site
                // could sign people out; show the signed-out page, which offers sign-in.
                return Redirects.SeeOther(request, Routes.SignedOut(tenant));
            }

            if (signedIn.Staff is { } staff)
            {
                await staffAuthenticator.EndSessionAsync(staff, ct);
            }

            cookies.ClearSessions(request.HttpContext.Response, tenant);
            return Redirects.SeeOther(request, await provider.EndSessionUrlAsync(tenant, ct) ?? Routes.SignedOut(tenant));
        });
}

public sealed class SignedOutFunction(Onboarding.Tenants.TenantCatalog tenants, PageRenderer pages, PageFrames frames, HttpResponder responder)
{
    /// <summary>Where the provider sends the browser back after its own sign-out (the registered post_logout_redirect_uri).</summary>
    [Function("SignedOut")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/signed-out")] HttpRequest request,
        string tenant) =>
        responder.Run(request, _ =>
        {
            var found = tenants.Get(tenant);
            return pages.PageAsync<Pages.SignIn.SignedOut>(200, frames.Person(request, "signedOut.title", found), new()
            {
                [nameof(Pages.SignIn.SignedOut.TenantName)] = found.DisplayName,
                [nameof(Pages.SignIn.SignedOut.Login)] = Routes.Login(found.Id),
                [nameof(Pages.SignIn.SignedOut.SwitchAccount)] = Routes.Login(found.Id, null, switchAccount: true),
            });
        });
}
