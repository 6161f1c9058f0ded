using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Tenants;

namespace Onboarding.Functions.Http;

public sealed class PreflightFunction(TenantCatalog tenants, HttpResponder responder)
{
    /// <summary>CORS preflights for every tenant path; <see cref="Cors"/> decides which get a grant.</summary>
    [Function("Preflight")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "tenants/{tenant}/{*path}")] HttpRequest request,
        string tenant) =>
        responder.Run(request, _ => Task.FromResult(Cors.Preflight(request, tenants.Get(tenant))));
}
