using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;

namespace Onboarding.Functions.Staff;

public sealed class SupportAuditFunction(StaffGate gate, AuditTrail audit, TimeProvider time, HttpResponder responder)
{
    private const int PageSize = 100;

    /// <summary>The audit trail for operators, newest first: <c>from</c> and <c>to</c> as dates (default: the last 30 days).</summary>
    [Function("SupportAudit")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/audit")] HttpRequest request,
        string tenant) =>
        responder.Run(request, async () =>
        {
            var staff = await gate.AllowAsync(request, tenant, StaffRight.ReadAudit);
            var (from, to) = AuditRange.Parse(request.Query["from"], request.Query["to"], time.GetUtcNow());
            var page = await audit.ReadAsync(staff.Tenant.Id, from, to, request.Query["continuation"], PageSize, request.HttpContext.RequestAborted);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(new AuditListBody(page.Entries, page.Continuation), ApiJson.Options);
        });
}
