using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Functions.Http;
using Onboarding.Pages.Assets;

namespace Onboarding.Functions.Assets;

public sealed class AssetFunction(SiteAssets assets, HttpResponder responder)
{
    /// <summary>The pages' stylesheet (and any other embedded asset by its name); 404 for any other name.</summary>
    [Function("Asset")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequest request,
        string name) =>
        responder.Run(request, _ =>
        {
            if (assets.Find(name) is not { } asset)
            {
                return Task.FromResult<IResult>(TypedResults.NotFound());
            }

            // The one answer that may be cached: the same for everybody, and nothing personal.
            request.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
            return Task.FromResult<IResult>(TypedResults.Bytes(asset.Content, asset.ContentType));
        });
}
