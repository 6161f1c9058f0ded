using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;

namespace Onboarding.Functions.Health;

public sealed class HealthFunction(TimeProvider time, HttpResponder responder)
{
    /// <summary>Liveness only: answers without touching storage or providers.</summary>
    [Function("Health")]
    public Task<IResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        responder.Run(request, _ => Task.FromResult<IResult>(
            TypedResults.Json(new { status = "ok", service = "onboarding", time = time.GetUtcNow() }, ApiJson.Options)));
}
