using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
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

        var body = SignInBody.From(result);
        return Negotiation.WantsJson(request) ? TypedResults.Json(body, ApiJson.Options) : Page(200, "Signed in", HtmlBody(body, result.Tenant.DisplayName));
    }

    private static string HtmlBody(SignInBody body, string platform) => $"""
        <main>
          <h1>Welcome{(body.FirstLogin ? "" : " back")} to {E(platform)}</h1>
          <p>You are signed in. This is what we keep about you:</p>
          <dl>
            <dt>Email</dt><dd>{E(body.Email ?? "not shared by your login provider")}</dd>
            <dt>Institution</dt><dd>{E(body.Institution ?? "unknown")}</dd>
            <dt>Country</dt><dd>{E(body.Country ?? "unknown")}</dd>
            <dt>Signed in</dt><dd>{body.SignInCount} time(s), first on {E(body.FirstSignInAt.ToString("yyyy-MM-dd"))}</dd>
          </dl>
        </main>
        """;
}

/// <summary>The JSON answer of a completed sign-in.</summary>
public sealed record SignInBody(
    string Tenant,
    string UserId,
    string? Email,
    string? Institution,
    string? Country,
    bool FirstLogin,
    DateTimeOffset FirstSignInAt,
    DateTimeOffset LastSignInAt,
    int SignInCount)
{
    public static SignInBody From(SignInResult result) => new(
        result.Tenant.Id, result.User.UserId, result.User.Email, result.User.Institution, result.User.Country,
        result.FirstSignIn, result.User.FirstSignInAt, result.User.LastSignInAt, result.User.SignInCount);
}
