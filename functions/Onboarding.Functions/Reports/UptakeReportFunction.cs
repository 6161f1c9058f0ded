using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Uptake;

namespace Onboarding.Functions.Reports;

public sealed class UptakeReportFunction(UptakeReports reports, TimeProvider time, HttpResponder responder)
{
    /// <summary>A tenant's uptake by month, optionally broken down <c>by</c> country, institution or role (operators).</summary>
    [Function("UptakeReport")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/reports/uptake")] HttpRequest request,
        string tenant) =>
        responder.ForStaff(request, tenant, StaffRight.ReadReports, (staff, ct) =>
        {
            var query = ReportQuery.Parse(request.Query["from"], request.Query["to"], request.Query["by"], time.GetUtcNow());
            return ReportResponses.ForAsync(request, reports.StreamAsync(staff.Tenant, query, ct), query, staff.Tenant.ReportSuppressBelow, tenant, ct);
        });
}

public sealed class AllTenantsUptakeReportFunction(TenantCatalog tenants, UptakeReports reports,
    TimeProvider time, HttpResponder responder)
{
    /// <summary>Uptake across all tenants, with a tenant column, for the deployment-wide operator role.</summary>
    [Function("AllTenantsUptakeReport")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/uptake")] HttpRequest request) =>
        responder.ForOperator(request, ct =>
        {
            var query = ReportQuery.Parse(request.Query["from"], request.Query["to"], request.Query["by"], time.GetUtcNow());
            // Each tenant's own threshold is not known across tenants: the strictest applies.
            return ReportResponses.ForAsync(request, AllAsync(query, ct), query, tenants.All.Max(t => t.ReportSuppressBelow), tenant: null, ct);
        });

    /// <summary>Every tenant's months, tenant by tenant in the order of their ids.</summary>
    private async IAsyncEnumerable<MonthUptake> AllAsync(ReportQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var tenant in tenants.All.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            await foreach (var month in reports.StreamAsync(tenant, query, cancellationToken))
            {
                yield return month;
            }
        }
    }
}
