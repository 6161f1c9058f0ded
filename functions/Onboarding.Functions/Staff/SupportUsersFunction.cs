using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Staff;

public sealed class SupportUsersFunction(SupportService support, HttpResponder responder)
{
    /// <summary>Finds users by exact email, or pages through those of an institution (by prefix) or a country; <c>format=csv</c> exports them all (audited).</summary>
    [Function("SupportUsers")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/users")] HttpRequest request,
        string tenant) =>
        responder.ForStaff(request, tenant, StaffRight.LookUpUsers, (staff, ct) =>
            request.Query["format"] == "csv" ? CsvAsync(request.HttpContext.Response, staff, SearchOf(request.Query), ct) : PageAsync(staff, request.Query, ct));

    private async Task<IResult> PageAsync(StaffMember staff, IQueryCollection q, CancellationToken cancellationToken)
    {
        var (field, value) = SearchOf(q);
        var page = field == SearchField.Email
            ? await support.FindByEmailAsync(staff, value, cancellationToken)
            : await support.FindByAttributeAsync(staff, field, value, q["continuation"], cancellationToken);
        return TypedResults.Json(new SupportUserListBody(page.Users.Select(SupportUserBody.From).ToList(), page.Continuation), ApiJson.Options);
    }

    private async Task<IResult> CsvAsync(HttpResponse response, StaffMember staff, (SearchField Field, string Value) search,
        CancellationToken cancellationToken)
    {
        response.Headers[HeaderNames.ContentDisposition] =
            $"attachment; filename=\"users-{staff.Tenant.Id}-by-{search.Field.ToString().ToLowerInvariant()}.csv\"";
        return TypedResults.Text(await support.ExportAsync(staff, search.Field, search.Value, cancellationToken), "text/csv; charset=utf-8", Encoding.UTF8);
    }

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
