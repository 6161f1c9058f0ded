using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

public sealed class SupportUserFunction(SupportService support, HttpResponder responder)
{
    /// <summary>One user: the record, the status steps, sign-ins, and when the data expires.</summary>
    [Function("SupportUser")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/support/users/{userId}")] HttpRequest request,
        string tenant, string userId) =>
        responder.ForStaffLookUp(request, tenant, async (staff, lookUp, ct) =>
            lookUp is null or { IsUser: true } && (lookUp is null || lookUp.Value == userId)
                ? TypedResults.Json(SupportUserBody.From(await support.GetAsync(staff, userId, ct)), ApiJson.Options)
                : throw new OnboardingException(ApiError.PermissionsInsufficient, "This link names another look-up."));
}

public sealed class SupportRecheckFunction(SupportService support, HttpResponder responder)
{
    /// <summary>Runs the partner checks now and returns the new status.</summary>
    [Function("SupportRecheck")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenants/{tenant}/support/users/{userId}/recheck")] HttpRequest request,
        string tenant, string userId) =>
        responder.ForStaffChange(request, tenant, StaffRight.RecheckUsers, async (staff, ct) =>
            TypedResults.Json(SupportUserBody.From(await support.RecheckAsync(staff, userId, ct)), ApiJson.Options));
}

public sealed class SupportEraseFunction(SupportService support, HttpResponder responder)
{
    /// <summary>The person's erasure, on a request that came by email: 204, also when repeated.</summary>
    [Function("SupportErase")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tenants/{tenant}/support/users/{userId}")] HttpRequest request,
        string tenant, string userId) =>
        responder.ForStaffChange(request, tenant, StaffRight.EraseUsers, async (staff, ct) =>
        {
            await support.EraseAsync(staff, userId, ct);
            return TypedResults.NoContent();
        });
}
