using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.SignIn;

namespace Onboarding.Functions.SignIn;

/// <summary>Where a completed sign-in goes: on to the platform, to the person's status page, or JSON.</summary>
public static class SignInResponses
{
    /// <remarks>
    /// A browser never gets a page at the callback address: its <c>code</c> and <c>state</c> are
    /// single-use and would sit in the address bar (a reload would fail, a shared link would leak
    /// them). It is sent on with a 303 to the status page, drawn from the session just set, which a
    /// reload shows again. Someone not ready sees it before going back to the platform, with the next
    /// step and a link on; someone ready goes straight back, as does everyone of a tenant that asks for
    /// that. Scripts that ask for JSON get today's answer: the record, or the 303 to return_to.
    /// </remarks>
    public static IResult For(HttpRequest request, SignInResult result)
    {
        var recorded = result.Recorded!;
        var tenant = result.Tenant;
        if (Negotiation.WantsJson(request))
        {
            return result.ReturnTo is { } back
                ? Redirects.SeeOther(request, back.AbsoluteUri)
                : TypedResults.Json(UserBody.From(tenant.Id, recorded), ApiJson.Options);
        }

        if (result.ReturnTo is { } returnTo && (recorded.Status.Ready || tenant.ReturnStraightBack))
        {
            return Redirects.SeeOther(request, returnTo.AbsoluteUri);
        }

        return Redirects.SeeOther(request, Routes.Me(tenant.Id)
            + (result.ReturnTo is { } next ? "?return_to=" + Uri.EscapeDataString(next.AbsoluteUri) : ""));
    }
}
