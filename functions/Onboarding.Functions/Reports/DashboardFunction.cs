using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Functions.Staff;
using Onboarding.Pages.Reports;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Uptake;

namespace Onboarding.Functions.Reports;

public sealed class DashboardFunction(UptakeDashboard dashboard, TimeProvider time, PageRenderer pages, StaffFrames frames, HttpResponder responder)
{
    /// <summary>The operators' dashboard: headline figures, charts with their tables, returning users, failed sign-ins, top lists, CSV links.</summary>
    [Function("Dashboard")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/reports")] HttpRequest request,
        string tenant) =>
        responder.ForStaffPage(request, tenant, StaffPageAccess.Reports, async (staff, ct) =>
        {
            var query = ReportQuery.Parse(request.Query["from"], request.Query["to"], null, time.GetUtcNow());
            return await pages.PageAsync<Dashboard>(200, frames.For("Uptake", staff, "reports"), new()
            {
                [nameof(Dashboard.Staff)] = staff,
                [nameof(Dashboard.View)] = await dashboard.ReadAsync(staff.Tenant, query, ct),
                [nameof(Dashboard.Now)] = time.GetUtcNow(),
            });
        });
}
