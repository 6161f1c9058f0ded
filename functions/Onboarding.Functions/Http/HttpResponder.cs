using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.Pages.Errors;
using Onboarding.Pages.Layout;
using Onboarding.Pages;
using Onboarding.Tenants;

namespace Onboarding.Functions.Http;

/// <summary>
/// Runs a function's work and turns failures into answers: RFC 9457 problem details with an
/// openEO-style <c>code</c> for programs, a readable page for browsers. Never a stack trace.
/// </summary>
public sealed partial class HttpResponder(PageRenderer pages, TenantCatalog tenants, ResponseHeaders headers, ClientRateLimits limits,
    ILogger<HttpResponder> logger)
{
    private const int RetryAfterSeconds = 30;
    private const int RetryAfterLimitedSeconds = 10;

    public async Task<IResult> Run(HttpRequest request, Func<Task<IResult>> work)
    {
        headers.Apply(request);
        // A client that keeps sending refused bearer tokens is stopped before another is validated.
        var bearerTenant = request.Headers.Authorization.Count > 0 ? Routes.TenantOf(request.Path.Value) : null;
        try
        {
            if (bearerTenant is not null && tenants.Find(bearerTenant) is not null && limits.RefusalsExhausted(request, bearerTenant))
            {
                LogRefusalsExhausted(bearerTenant);
                throw new OnboardingException(ApiError.TooManyRequests);
            }

            return await work();
        }
        catch (OnboardingException e)
        {
            if (bearerTenant is not null && (e.Error == ApiError.TokenInvalid || e.Error == ApiError.AuthenticationSchemeInvalid)
                && tenants.Find(bearerTenant) is not null)
            {
                limits.CountRefusal(request, bearerTenant);
            }

            return await FailureAsync(request, e.Error, e.Detail);
        }
        catch (Exception e) when (Onboarding.Storage.StorageFaults.Describe(e) is { } fault)
        {
            LogStorageFault(request.Path, fault.Status, fault.Code);
            return await FailureAsync(request, ApiError.StorageUnavailable, ApiError.StorageUnavailable.Title);
        }
        catch (Exception e) when (e is not OperationCanceledException || !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(e, request.Path);
            return await FailureAsync(request, ApiError.Internal, ApiError.Internal.Title);
        }
    }

    public async Task<IResult> FailureAsync(HttpRequest request, ApiError error, string detail)
    {
        var response = request.HttpContext.Response;
        if (error.Status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (error.Status == StatusCodes.Status429TooManyRequests)
        {
            response.Headers.RetryAfter = RetryAfterLimitedSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (Negotiation.PrefersHtml(request))
        {
            return await pages.PageAsync<ErrorContent>(error.Status, new PageFrame(error.Title, TenantName(request), "error"), new()
            {
                [nameof(ErrorContent.Error)] = error,
                [nameof(ErrorContent.Detail)] = detail,
                [nameof(ErrorContent.RetryUrl)] = StartAgainLink(request, error),
            });
        }

        return TypedResults.Json(new ProblemBody(
            Type: "about:blank",
            Title: error.Title,
            Status: error.Status,
            Detail: detail,
            Code: error.Code,
            Message: detail), ApiJson.Options, "application/problem+json", error.Status);
    }

    /// <summary>The display name of the tenant the path names, when there is one by that id.</summary>
    private string? TenantName(HttpRequest request) => tenants.Find(Routes.TenantOf(request.Path.Value))?.DisplayName;

    /// <summary>Where a person can try again: the tenant's login, for failures a new attempt can fix.</summary>
    private static string? StartAgainLink(HttpRequest request, ApiError error)
    {
        var segments = request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var tenantIndex = Array.IndexOf(segments, "tenants") + 1;
        // Staff pages sign in again as staff; a missing right is not fixed by signing in again.
        if (error == ApiError.PermissionsInsufficient)
        {
            return null;
        }

        var staffPage = segments.Contains("staff") || segments.Contains("reports") || segments.Contains("support");
        return error.Status is >= 400 and < 500 && error != ApiError.TenantNotFound && tenantIndex > 0 && tenantIndex < segments.Length
            ? $"/{string.Join('/', segments[..(tenantIndex + 1)].Select(Uri.EscapeDataString))}/login{(staffPage ? "?for=staff" : "")}"
            : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage failed handling {Path}: status {Status}, code {ErrorCode}; answered 503")]
    private partial void LogStorageFault(PathString path, int status, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bearer request for tenant {Tenant} refused with 429: its client sent too many refused tokens this minute")]
    private partial void LogRefusalsExhausted(string tenant);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure handling {Path}")]
    private partial void LogUnexpected(Exception exception, PathString path);
}

/// <summary>RFC 9457 members plus openEO's <c>code</c> and <c>message</c>.</summary>
public sealed record ProblemBody(string Type, string Title, int Status, string Detail, string Code, string Message);
