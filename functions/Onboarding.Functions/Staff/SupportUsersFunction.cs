using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;

namespace Onboarding.Functions.Staff;

public sealed class SupportUsersFunction(SupportService support, HttpResponder responder)
{
    /// <summary>
    /// Finds users by exact email, or pages through those of an institution (by prefix) or a country,
    /// <c>sort</c>ed; <c>format=csv</c> streams them all (audited). With the staff session alone, only
    /// the search of a look-up the staff page sealed to it (<c>q</c>, its CSV link).
    /// </summary>
    [Function("SupportUsers")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/users")] HttpRequest request,
        string tenant) =>
        responder.ForStaffLookUp(request, tenant, (staff, lookUp, ct) => AnswerAsync(staff, SearchOf(request.Query, lookUp), request.Query, ct));

    private async Task<IResult> AnswerAsync(StaffMember staff, StaffSearch search, IQueryCollection q, CancellationToken cancellationToken)
    {
        var sort = StaffSearch.SortOf(q["sort"]);
        if (q["format"] == "csv")
        {
            return await CsvDownload.StartAsync($"users-{staff.Tenant.Id}-by-{search.Kind}.csv", SupportService.CsvHeader,
                Rows(support.ExportAsync(staff, search, sort, cancellationToken)), cancellationToken);
        }

        var page = await support.SearchAsync(staff, search, sort, q["continuation"], SupportService.PageSize, cancellationToken);
        return TypedResults.Json(new SupportUserListBody(page.Users.Select(SupportUserBody.From).ToList(), page.Continuation, page.Total, page.Sorted),
            ApiJson.Options);
    }

    private static async IAsyncEnumerable<string> Rows(IAsyncEnumerable<SupportUserView> users)
    {
        await foreach (var user in users)
        {
            yield return SupportService.CsvRow(user);
        }
    }

    /// <summary>The session's sealed search, or the query's one field; a clear 400 otherwise.</summary>
    private static StaffSearch SearchOf(IQueryCollection q, StaffLookUp? sealedLookUp) => sealedLookUp is not null
        ? StaffSearch.Of(sealedLookUp) ?? throw new OnboardingException(ApiError.ParameterInvalid, "This link names a person, not a search.")
        : StaffSearch.Create(q["email"], q["institution"], q["country"]);
}
