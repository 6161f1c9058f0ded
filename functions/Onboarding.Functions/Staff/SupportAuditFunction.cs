using System.Globalization;
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

public static class AuditRange
{
    /// <summary>Dates (yyyy-MM-dd, UTC) or timestamps; <c>to</c> is inclusive of its whole day.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Parse(string? from, string? to, DateTimeOffset now)
    {
        var end = string.IsNullOrEmpty(to) ? now : EndOf(Read(to, "to"), to);
        var start = string.IsNullOrEmpty(from) ? end.AddDays(-30) : Read(from, "from");
        if (start > end)
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "from must not be after to.");
        }

        return (start, end);
    }

    private static DateTimeOffset Read(string value, string name) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw new OnboardingException(ApiError.ParameterInvalid, $"{name} must be a date like 2026-11-28.");

    private static DateTimeOffset EndOf(DateTimeOffset parsed, string raw) => raw.Length == 10 ? parsed.AddDays(1).AddTicks(-1) : parsed;
}
