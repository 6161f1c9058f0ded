using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
using Onboarding.Functions.Status;
using Onboarding.Functions.Users;
using static Onboarding.Functions.Http.Html;

namespace Onboarding.Functions.SignIn;

/// <summary>What a completed sign-in answers: a redirect, JSON, or a page, as the caller asked.</summary>
public static class SignInResponses
{
    public static IResult For(HttpRequest request, SignInResult result)
    {
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        if (result.ReturnTo is { } returnTo)
        {
            // 303: the browser follows with a GET, whatever method brought it here.
            request.HttpContext.Response.Headers.Location = returnTo.AbsoluteUri;
            return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
        }

        var recorded = result.Recorded!;
        var body = UserBody.From(result.Tenant.Id, recorded);
        return Negotiation.WantsJson(request)
            ? TypedResults.Json(body, ApiJson.Options)
            : Page(200, "Signed in", StatusPage(result.Tenant, recorded));
    }

    /// <summary>The person's own page: where they stand, what is kept about them, and their rights over it.</summary>
    public static string StatusPage(Onboarding.Tenants.Tenant tenant, Onboarding.Users.RecordedSignIn recorded)
    {
        var body = UserBody.From(tenant.Id, recorded);
        var days = (int)tenant.Retention.PersonalData.TotalDays;
        return $"""
        <main>
          <h1>Welcome{(body.FirstLogin ? "" : " back")} to {E(tenant.DisplayName)}</h1>
          {StatusHtml.Steps(recorded.Status)}
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
}
