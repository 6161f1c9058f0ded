using Microsoft.AspNetCore.Http;

namespace Onboarding.Functions.Http;

public static class Redirects
{
    /// <summary>303: the browser follows with a GET, whatever method brought it here (post/redirect/get).</summary>
    public static IResult SeeOther(HttpRequest request, string location)
    {
        request.HttpContext.Response.Headers.Location = location;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }
}
