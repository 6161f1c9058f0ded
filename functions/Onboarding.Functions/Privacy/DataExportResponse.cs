using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Onboarding.Functions.Http;
using Onboarding.Privacy;

namespace Onboarding.Functions.Privacy;

/// <summary>The data export as JSON: the body scripts read, or a file to keep.</summary>
public static class DataExportResponse
{
    public static IResult Json(HttpResponse response, string tenant, string userId, PersonalData? data, bool asFile)
    {
        if (asFile)
        {
            // The tenant id is one the service knows (the caller was authenticated for it): a safe file name.
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = $"my-data-{tenant}.json" }.ToString();
        }

        return data is not null
            ? TypedResults.Json(data, ApiJson.Options)
            : TypedResults.Json(new { tenant, user_id = userId, record = (object?)null, note = "Nothing is stored about you." }, ApiJson.Options);
    }
}
