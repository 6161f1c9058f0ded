using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Onboarding.Pages.Assets;

namespace Onboarding.Functions.Assets;

public sealed class AssetFunction(SiteAssets assets)
{
    /// <summary>The pages' stylesheet (and any other embedded asset by its name); 404 for any other name.</summary>
    [Function("Asset")]
    public IResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequest request,
        string name)
    {
        if (assets.Find(name) is not { } asset)
        {
            return TypedResults.NotFound();
        }

        request.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
