using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Functions.Users;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Users;
using Onboarding.SignIn;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.SignIn;

/// <summary>What a completed sign-in answers: a redirect, JSON, or a page, as the caller asked.</summary>
public sealed class SignInResponses(PageRenderer pages)
{
    public async Task<IResult> ForAsync(HttpRequest request, SignInResult result)
    {
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        if (result.ReturnTo is { } returnTo)
        {
            // 303: the browser follows with a GET, whatever method brought it here.
            request.HttpContext.Response.Headers.Location = returnTo.AbsoluteUri;
            return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
        }

        var recorded = result.Recorded!;
        return Negotiation.WantsJson(request)
            ? TypedResults.Json(UserBody.From(result.Tenant.Id, recorded), ApiJson.Options)
            : await StatusPageAsync("Signed in", result.Tenant, recorded);
    }

    /// <summary>The person's own page: where they stand, what is kept about them, and their rights over it.</summary>
    public Task<IResult> StatusPageAsync(string title, Tenant tenant, RecordedSignIn recorded) =>
        pages.PageAsync<MyStatus>(200, new PageFrame(title, tenant.DisplayName), new()
        {
            [nameof(MyStatus.Tenant)] = tenant,
            [nameof(MyStatus.Recorded)] = recorded,
        });
}
