using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

public sealed class SupportAuditFunction(StaffGate gate, AuditLines audit, TimeProvider time, HttpResponder responder)
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
        responder.Run(request, async () =>
        {
            var staff = await gate.AllowAsync(request, tenant, StaffRight.ReadAudit);
            var q = request.Query;
            var query = AuditQuery.Parse(q["from"], q["to"], q["staff"], q["user"], q["action"], time.GetUtcNow());
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            if (q["format"] == "csv")
            {
                request.HttpContext.Response.Headers[HeaderNames.ContentDisposition] = $"attachment; filename=\"audit-{tenant}-{query.From:yyyy-MM-dd}-{query.To:yyyy-MM-dd}.csv\"";
                return TypedResults.Text(await audit.CsvAsync(staff.Tenant, query, request.HttpContext.RequestAborted), "text/csv; charset=utf-8", Encoding.UTF8);
            }

            var page = await audit.ReadAsync(staff.Tenant, query, q["continuation"], PageSize, request.HttpContext.RequestAborted);
            return TypedResults.Json(new AuditListBody(page.Lines, page.Continuation), ApiJson.Options);
        });
}
