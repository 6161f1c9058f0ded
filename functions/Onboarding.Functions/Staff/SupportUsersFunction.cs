using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Staff;

public sealed class SupportUsersFunction(StaffGate gate, SupportService support, HttpResponder responder)
{
    /// <summary>Finds users by exact email, or pages through those of an institution (by prefix) or a country; <c>format=csv</c> exports them all (audited).</summary>
    [Function("SupportUsers")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/users")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var staff = await gate.AllowAsync(request, tenant, StaffRight.LookUpUsers);
            var (q, ct) = (request.Query, request.HttpContext.RequestAborted);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            var (field, value) = SearchOf(q);
            if (q["format"] == "csv")
            {
                request.HttpContext.Response.Headers[Microsoft.Net.Http.Headers.HeaderNames.ContentDisposition] =
                    $"attachment; filename=\"users-{tenant}-by-{field.ToString().ToLowerInvariant()}.csv\"";
                return TypedResults.Text(await support.ExportAsync(staff, field, value, ct), "text/csv; charset=utf-8", System.Text.Encoding.UTF8);
            }

            var page = field == SearchField.Email
                ? await support.FindByEmailAsync(staff, value, ct)
                : await support.FindByAttributeAsync(staff, field, value, q["continuation"], ct);
            return TypedResults.Json(new SupportUserListBody(page.Users.Select(SupportUserBody.From).ToList(), page.Continuation), ApiJson.Options);
        });

    /// <summary>The one search field given, or a clear 400.</summary>
    private static (SearchField Field, string Value) SearchOf(IQueryCollection q) =>
        (q["email"].ToString(), q["institution"].ToString(), q["country"].ToString()) switch
        {
            ({ Length: > 0 } email, "", "") => (SearchField.Email, email),
            ("", { Length: > 0 } institution, "") => (SearchField.Institution, institution),
            ("", "", { Length: > 0 } country) => (SearchField.Country, country),
            _ => throw new OnboardingException(ApiError.ParameterInvalid, "Give exactly one of email, institution or country."),
        };
}
