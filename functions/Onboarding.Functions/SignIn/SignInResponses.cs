using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.SignIn;
using Onboarding.Functions.Status;
using static Onboarding.Functions.Http.Html;

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
                ? SeeOther(request, back.AbsoluteUri)
                : TypedResults.Json(UserBody.From(tenant.Id, recorded), ApiJson.Options);
        }

        if (result.ReturnTo is { } returnTo && (recorded.Status.Ready || tenant.ReturnStraightBack))
        {
            return SeeOther(request, returnTo.AbsoluteUri);
        }

        return SeeOther(request, Routes.Me(tenant.Id)
            + (result.ReturnTo is { } next ? "?return_to=" + Uri.EscapeDataString(next.AbsoluteUri) : ""));
    }

    /// <summary>303: the browser follows with a GET, whatever method brought it here.</summary>
    public static IResult SeeOther(HttpRequest request, string location)
    {
        request.HttpContext.Response.Headers.Location = location;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>The person's own page: where they stand, what is kept about them, and their rights over it.</summary>
    public static string StatusPage(Onboarding.Tenants.Tenant tenant, Onboarding.Users.RecordedSignIn recorded, Uri? continueTo = null)
    {
        var body = UserBody.From(tenant.Id, recorded);
        var days = (int)tenant.Retention.PersonalData.TotalDays;
        return $"""
        <main>
          <h1>Welcome{(body.FirstLogin ? "" : " back")} to {E(tenant.DisplayName)}</h1>
          {StatusHtml.Steps(recorded.Status)}
          {ContinueLink(tenant, recorded, continueTo)}
          <h2>What we keep about you</h2>
          <dl>
            <dt>Email</dt><dd>{E(body.Email ?? "not shared by your login provider")}</dd>
            <dt>Institution</dt><dd>{E(body.Institution ?? "unknown")}</dd>
            <dt>Country</dt><dd>{E(body.Country ?? "unknown")}</dd>
            <dt>Signed in</dt><dd>{body.SignInCount} time(s), first on {E(body.FirstSignInAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))}</dd>
          </dl>
          <p>We keep this for {days} days after your last sign-in, then delete it.</p>
          <p><a href="/api/tenants/{E(tenant.Id)}/me/data">Download everything we store about you</a> ·
             <a href="/api/tenants/{E(tenant.Id)}/me/erase">Erase your data</a></p>
        </main>
        """;
    }

    /// <summary>On to the platform: where the person came from, or the platform itself once they are ready.</summary>
    private static string ContinueLink(Onboarding.Tenants.Tenant tenant, Onboarding.Users.RecordedSignIn recorded, Uri? continueTo) =>
        continueTo is not null
            ? $"<p><a class=\"button continue\" href=\"{E(continueTo.AbsoluteUri)}\">Continue to {E(tenant.DisplayName)}</a></p>"
            : recorded.Status.Ready && tenant.PlatformUrl is { } platform
                ? $"<p><a class=\"button continue\" href=\"{E(platform)}\">Go to {E(tenant.DisplayName)}</a></p>"
                : "";
}
