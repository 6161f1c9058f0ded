using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

public sealed class SupportAuditFunction(AuditLines audit, TimeProvider time, HttpResponder responder)
{
    private const int PageSize = 100;

    /// <summary>
    /// The audit log for operators, newest first, by name: <c>from</c> and <c>to</c> as dates (default:
    /// the last 30 days), <c>staff</c> and <c>user</c> (an email or an id), <c>action</c>; JSON a page at a
    /// time, or all of it as CSV (<c>format=csv</c>).
    /// </summary>
    [Function("SupportAudit")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/audit")] HttpRequest request,
        string tenant) =>
        responder.ForStaff(request, tenant, StaffRight.ReadAudit, (staff, ct) =>
        {
            var q = request.Query;
            var query = AuditQuery.Parse(q["from"], q["to"], q["staff"], q["user"], q["action"], time.GetUtcNow());
            return q["format"] == "csv" ? CsvAsync(staff, query, ct) : PageAsync(staff, query, q["continuation"], ct);
        });

    private async Task<IResult> PageAsync(StaffMember staff, AuditQuery query, string? continuation, CancellationToken cancellationToken)
    {
        var page = await audit.ReadAsync(staff.Tenant, query, continuation, PageSize, cancellationToken);
        return TypedResults.Json(new AuditListBody(page.Lines, page.Continuation, page.SearchedBack), ApiJson.Options);
    }

    private async Task<IResult> CsvAsync(StaffMember staff, AuditQuery query, CancellationToken cancellationToken) =>
        await CsvDownload.StartAsync($"audit-{staff.Tenant.Id}-{query.From:yyyy-MM-dd}-{query.To:yyyy-MM-dd}.csv", AuditLines.CsvHeader,
            audit.CsvRowsAsync(staff.Tenant, query, cancellationToken), cancellationToken);
}
