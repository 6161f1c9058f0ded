using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Functions.Users;

/// <summary>
/// Where a "Check again" goes next: back to the status page with what it found (post/redirect/get, so
/// a reload does not check again), or to the login service, silently first and then for a sign-in.
/// </summary>
public sealed class CheckAgainRedirects(LoginStarter starter, BrowserCookies cookies)
{
    /// <param name="returnTo">Where the person is going afterwards, from the form: kept only when the tenant allows it.</param>
    public async Task<IResult> AfterCheckAsync(HttpRequest request, Tenant tenant, CheckResult result, string? returnTo,
        CancellationToken cancellationToken)
    {
        var back = ReturnToPolicy.Allowed(tenant, returnTo)?.AbsoluteUri;
        return result.AskProvider
            ? await ToProviderAsync(request, tenant, back, silent: true, cancellationToken)
            : Redirects.SeeOther(request, Routes.MeChecked(tenant.Id, StepChanges.Write(result.Changes ?? []), result.TooSoon, back));
    }

    /// <summary>The status page after a check that went through the login service.</summary>
    public static IResult Checked(HttpRequest request, SignInResult result) =>
        Redirects.SeeOther(request, Routes.MeChecked(result.Tenant.Id, StepChanges.Write(result.Recorded!.Changes), tooSoon: false,
            result.ReturnTo?.AbsoluteUri));

    /// <summary>To the provider for the check: <c>prompt=none</c> when <paramref name="silent"/>, else a normal sign-in.</summary>
    public async Task<IResult> ToProviderAsync(HttpRequest request, Tenant tenant, string? returnTo, bool silent, CancellationToken cancellationToken)
    {
        var start = await starter.StartCheckAsync(tenant.Id, returnTo, silent, cookies.ReadLogin(request, tenant.Id), cancellationToken);
        cookies.WriteLogin(request.HttpContext.Response, tenant.Id, start.Cookie);
        return TypedResults.Redirect(start.AuthorizeUrl);
    }
}
