using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Users;

namespace Onboarding.Functions.Staff;

public sealed class SupportUsersFunction(StaffGate gate, SupportService support, HttpResponder responder)
{
    /// <summary>Finds users by exact email, or pages through those of an institution or a country.</summary>
    [Function("SupportUsers")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/users")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var staff = await gate.AllowAsync(request, tenant, StaffRight.LookUpUsers);
            var (q, ct) = (request.Query, request.HttpContext.RequestAborted);
            var page = (q["email"].ToString(), q["institution"].ToString(), q["country"].ToString()) switch
            {
                ({ Length: > 0 } email, "", "") => await support.FindByEmailAsync(staff, email, ct),
                ("", { Length: > 0 } institution, "") => await support.FindByAttributeAsync(staff, SearchField.Institution, institution, q["continuation"], ct),
                ("", "", { Length: > 0 } country) => await support.FindByAttributeAsync(staff, SearchField.Country, country, q["continuation"], ct),
                _ => throw new OnboardingException(ApiError.ParameterInvalid, "Give exactly one of email, institution or country."),
            };
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(new SupportUserListBody(page.Users.Select(SupportUserBody.From).ToList(), page.Continuation), ApiJson.Options);
        });
}
