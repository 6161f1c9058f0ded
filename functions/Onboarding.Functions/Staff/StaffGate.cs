using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;
using Onboarding.Staff;

namespace Onboarding.Functions.Staff;

/// <summary>Reads a request's credentials (bearer header or staff cookie) for the staff authenticator.</summary>
public sealed class StaffGate(StaffAuthenticator authenticator, BrowserCookies cookies)
{
    public Task<StaffMember> AllowAsync(HttpRequest request, string tenant, StaffRight right) =>
        authenticator.AuthenticateAsync(tenant, request.Headers.Authorization.ToString(), cookies.ReadStaff(request, tenant), right,
            request.HttpContext.RequestAborted);

    /// <summary>
    /// For the support API's changes (re-check, erase): the bearer token only. The staff cookie is
    /// ignored here, so another site's form cannot act with it (before, only SameSite stood in the
    /// way); the staff page changes things through its own forms, with an anti-forgery token.
    /// </summary>
    public Task<StaffMember> AllowChangeAsync(HttpRequest request, string tenant, StaffRight right) =>
        string.IsNullOrEmpty(request.Headers.Authorization)
            ? throw new Common.OnboardingException(Common.ApiError.AuthenticationRequired,
                "Changes through the support API need a bearer token; the staff page has its own forms.")
            : authenticator.AuthenticateAsync(tenant, request.Headers.Authorization.ToString(), null, right, request.HttpContext.RequestAborted);
}
