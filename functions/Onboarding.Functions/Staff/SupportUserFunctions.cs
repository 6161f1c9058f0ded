using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

public sealed class SupportUserFunction(StaffGate gate, SupportService support, HttpResponder responder)
{
    /// <summary>One user: the record, the status steps, sign-ins, and when the data expires.</summary>
    [Function("SupportUser")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/users/{userId}")] HttpRequest request,
        string tenant, string userId) =>
        responder.Run(request, async () =>
        {
            var staff = await gate.AllowAsync(request, tenant, StaffRight.LookUpUsers);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(SupportUserBody.From(await support.GetAsync(staff, userId, request.HttpContext.RequestAborted)), ApiJson.Options);
        });
}

public sealed class SupportRecheckFunction(StaffGate gate, SupportService support, HttpResponder responder)
{
    /// <summary>Runs the partner checks now and returns the new status.</summary>
    [Function("SupportRecheck")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenants/{tenant}/support/users/{userId}/recheck")] HttpRequest request,
        string tenant, string userId) =>
        responder.Run(request, async () =>
        {
            var staff = await gate.AllowChangeAsync(request, tenant, StaffRight.RecheckUsers);
            return TypedResults.Json(SupportUserBody.From(await support.RecheckAsync(staff, userId, request.HttpContext.RequestAborted)), ApiJson.Options);
        });
}

public sealed class SupportEraseFunction(StaffGate gate, SupportService support, HttpResponder responder)
{
    /// <summary>The person's erasure, on a request that came by email: 204, also when repeated.</summary>
    [Function("SupportErase")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tenants/{tenant}/support/users/{userId}")] HttpRequest request,
        string tenant, string userId) =>
        responder.Run(request, async () =>
        {
            var staff = await gate.AllowChangeAsync(request, tenant, StaffRight.EraseUsers);
            await support.EraseAsync(staff, userId, request.HttpContext.RequestAborted);
            return TypedResults.NoContent();
        });
}
