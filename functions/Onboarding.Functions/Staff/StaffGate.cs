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
}
