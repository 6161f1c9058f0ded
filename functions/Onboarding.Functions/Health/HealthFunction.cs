using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Onboarding.Functions.Health;

public sealed class HealthFunction(TimeProvider time)
{
    /// <summary>Liveness only: answers without touching storage or providers.</summary>
    [Function("Health")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        TypedResults.Json(new { status = "ok", service = "onboarding", time = time.GetUtcNow() }, Http.ApiJson.Options);
}
