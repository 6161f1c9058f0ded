using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Pages.Errors;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Texts;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Http;

/// <summary>
/// A failure as a page a person can act on: the code's words in their language, and the ways
/// forward — sign in (keeping where they were going), continue when they are signed in after all,
/// try again after a wait, their status, another account. Never the exception's text on a
/// person's page; staff pages, in English, show the refusal's own words (the form's origin, the session's end).
/// </summary>
public sealed class ErrorPages(PageRenderer pages, PageFrames frames, TenantCatalog tenants, UserSessions sessions, BrowserCookies cookies)
{
    /// <param name="detail">The refusal's own words: shown on staff pages only (a person's pages say it in their language).</param>
    public Task<IResult> PageAsync(HttpRequest request, ApiError error, string detail, string? returnTo, TimeSpan? retryAfter)
    {
        var texts = frames.TextsOf(request);
        if (tenants.Find(Routes.TenantOf(request.Path.Value)) is not { } tenant)
        {
            return pages.PageAsync<UnknownPlatform>(error.Status, frames.Person(request, texts, "unknownPlatform.title", null, "error", keep: []), new()
            {
                [nameof(UnknownPlatform.Platforms)] = tenants.All.Where(t => t.PlatformUrl is not null)
                    .Select(t => new NavLink(t.DisplayName, t.PlatformUrl!)).ToList(),
            });
        }

        var staffPage = IsStaffPage(request);
        var back = ReturnToPolicy.Allowed(tenant, returnTo ?? request.Query["return_to"])?.AbsoluteUri;
        var (heading, text, note, ways) = Explain(request, tenant, staffPage ? PageTexts.English : texts, error, back, staffPage);
        // Still signed in after a spent sign-in is no failure: the page is framed as a notice, not in red.
        var mainClass = heading == "spent.signedInHeading" ? "notice-page" : "error";
        var frame = staffPage
            ? PageFrames.Staff(PageTexts.English.Format(heading ?? $"errors.{error.Code}.title", ("platform", tenant.DisplayName)), tenant.DisplayName, mainClass)
            : frames.Person(request, texts, heading ?? $"errors.{error.Code}.title", tenant, mainClass,
                keep: back is null ? [] : [KeyValuePair.Create("return_to", (string?)back)]);
        return pages.PageAsync<ErrorContent>(error.Status, frame, new()
        {
            // Staff pages' refusals are written for the staff member (the form's origin, the session's end).
            [nameof(ErrorContent.Detail)] = staffPage ? detail : null,
            [nameof(ErrorContent.Error)] = error,
            [nameof(ErrorContent.Platform)] = tenant.DisplayName,
            [nameof(ErrorContent.HeadingKey)] = heading,
            [nameof(ErrorContent.TextKey)] = text,
            [nameof(ErrorContent.NoteKey)] = note,
            [nameof(ErrorContent.Ways)] = ways,
            [nameof(ErrorContent.RetryAfter)] = retryAfter,
        });
    }

    /// <summary>The heading, text and note keys (null: the code's own) and the ways forward, first the likeliest.</summary>
    private (string? Heading, string? Text, string? Note, IReadOnlyList<NavLink> Ways) Explain(HttpRequest request, Tenant tenant,
        PageTexts t, ApiError error, string? back, bool staffPage)
    {
        var signIn = staffPage ? Routes.StaffLogin(tenant.Id) : Routes.Login(tenant.Id, back);
        var switchAccount = staffPage ? Routes.StaffLogin(tenant.Id) + "&prompt=" + Routes.SwitchAccountPrompt : Routes.Login(tenant.Id, back, switchAccount: true);
        var again = HttpMethods.IsGet(request.Method) && Routes.TenantPathOf(request.Path.Value) != "callback"
            ? request.PathBase + request.Path + request.QueryString
            : signIn;
        var signedIn = !staffPage && sessions.Read(tenant.Id, cookies.ReadSession(request, tenant.Id)) is not null;

        NavLink Way(string key, string href) => new(t[key], href);

        if (error == ApiError.AuthenticationRequired || error == ApiError.AuthenticationSchemeInvalid || error == ApiError.TokenInvalid)
        {
            return ("signIn.heading", "signIn.text", "signIn.ended", [Way("signIn.button", signIn)]);
        }

        if (error == ApiError.LoginAttemptUnknown || error == ApiError.LoginAttemptExpired || error == ApiError.LoginAttemptNotThisBrowser)
        {
            // A spent sign-in (Back after signing in re-sends it): someone still signed in just goes on.
            if (signedIn)
            {
                return ("spent.signedInHeading", "spent.signedInText", null,
                    [Way("spent.continue", Routes.Me(tenant.Id, back)), Way("errors.switch", switchAccount)]);
            }

            var kind = error == ApiError.LoginAttemptExpired ? "expired" : error == ApiError.LoginAttemptNotThisBrowser ? "otherBrowser" : "used";
            return ($"spent.{kind}Heading", $"spent.{kind}Text", null, [Way("errors.signInAgain", signIn)]);
        }

        IReadOnlyList<NavLink> ways = error switch
        {
            _ when error == ApiError.SignInRefused => [Way("errors.signInAgain", signIn), Way("errors.switch", switchAccount)],
            _ when error == ApiError.ReturnToNotAllowed => [Way("errors.signIn", Routes.Login(tenant.Id))],
            _ when error == ApiError.PermissionsInsufficient => staffPage
                ? [Way("errors.yourStatus", Routes.Me(tenant.Id)), Way("errors.switch", switchAccount)]
                : [Way("errors.switch", switchAccount)],
            _ when error == ApiError.UserNotFound => [Way("errors.signIn", signIn)],
            _ when error == ApiError.OidcProviderMisconfigured => [],
            { Status: 503 or 429 or 500 } => [Way("errors.tryAgain", again)],
            _ when signedIn => [Way("errors.yourStatus", Routes.Me(tenant.Id, back)), Way("errors.signInAgain", signIn)],
            _ => [Way("errors.signInAgain", signIn)],
        };
        return (null, null, null, ways);
    }

    /// <summary>The staff page, the reports and the support API: English, with the staff sign-in.</summary>
    private static bool IsStaffPage(HttpRequest request) =>
        Routes.TenantPathOf(request.Path.Value) is { } path
        && (path.StartsWith("staff", StringComparison.Ordinal) || path.StartsWith("reports", StringComparison.Ordinal)
            || path.StartsWith("support", StringComparison.Ordinal));
}
