using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Http;

/// <summary>
/// Runs a function's work and turns failures into answers: RFC 9457 problem details with an
/// openEO-style <c>code</c> for programs, a readable page for browsers. Never a stack trace.
/// </summary>
/// <remarks>Functions enter through the method that says who may call them; the caller is resolved here
/// (<see cref="Callers"/>), before the function's own work, and handed to it.</remarks>
public sealed partial class HttpResponder(PageRenderer pages, ErrorPages errorPages, TenantCatalog tenants, ResponseHeaders headers,
    ClientRateLimits limits, BrowserCookies cookies, Callers callers, ILogger<HttpResponder> logger)
{
    private const int RetryAfterSeconds = 30;
    private const int RetryAfterLimitedSeconds = 10;

    /// <summary>Anyone: the sign-in itself, pages before sign-in, health.</summary>
    public Task<IResult> Run(HttpRequest request, Func<CancellationToken, Task<IResult>> work) =>
        RunAsync(request, () => work(request.HttpContext.RequestAborted));

    /// <summary>A bearer token of the tenant's provider (the platform's clients).</summary>
    public Task<IResult> ForBearer(HttpRequest request, string tenant, Func<BearerCaller, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct => await work(await callers.BearerAsync(request, tenant, ct), ct));

    /// <summary>The person themselves, proven as <paramref name="proof"/> says.</summary>
    public Task<IResult> ForPerson(HttpRequest request, string tenant, PersonProof proof, Func<PersonCaller, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct => await work(await callers.PersonAsync(request, tenant, proof, ct), ct));

    /// <summary>A form of the person's pages: their session, and its anti-forgery token in the form (else <paramref name="refusal"/>).</summary>
    public Task<IResult> ForPersonForm(HttpRequest request, string tenant, string refusal,
        Func<PersonCaller, IFormCollection, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct =>
        {
            var (person, form) = await callers.PersonFormAsync(request, tenant, refusal, ct);
            return await work(person, form, ct);
        });

    /// <summary>Staff with <paramref name="right"/> (bearer token or staff session).</summary>
    public Task<IResult> ForStaff(HttpRequest request, string tenant, StaffRight right, Func<StaffMember, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct => await work((await callers.StaffAsync(request, tenant, right, ct)).Member, ct));

    /// <summary>
    /// Staff looking someone up: with a bearer token, the look-up the query names; with the staff
    /// session alone, only one the staff page sealed to it (<c>q</c>), given to the work.
    /// </summary>
    public Task<IResult> ForStaffLookUp(HttpRequest request, string tenant, Func<StaffMember, StaffLookUp?, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct =>
        {
            var (member, lookUp) = await callers.StaffAsync(request, tenant, StaffRight.LookUpUsers, ct);
            return await work(member, lookUp, ct);
        });

    /// <summary>Staff with <paramref name="right"/>, for a change through the support API (bearer token only).</summary>
    public Task<IResult> ForStaffChange(HttpRequest request, string tenant, StaffRight right,
        Func<StaffMember, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct => await work(await callers.StaffChangeAsync(request, tenant, right, ct), ct));

    /// <summary>A staff page: the sign-in page for a browser that is not signed in as staff here, else the work.</summary>
    public Task<IResult> ForStaffPage(HttpRequest request, string tenant, StaffPageAccess access,
        Func<StaffMember, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct => await callers.StaffPageAsync(request, tenant, access, ct) is { } member
            ? await work(member, ct)
            : await StaffSignInAsync(tenant, access.SignInTitle));

    /// <summary>A form of the staff page: the sign-in page when not signed in as staff here, else the form, with the session's anti-forgery token.</summary>
    public Task<IResult> ForStaffForm(HttpRequest request, string tenant, Func<StaffMember, IFormCollection, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct => await callers.StaffFormAsync(request, tenant, ct) is ({ } member, { } form)
            ? await work(member, form, ct)
            : await StaffSignInAsync(tenant, StaffPageAccess.StaffPage.SignInTitle));

    /// <summary>The deployment-wide operator.</summary>
    public Task<IResult> ForOperator(HttpRequest request, Func<CancellationToken, Task<IResult>> work) =>
        Run(request, async ct =>
        {
            await callers.OperatorAsync(request, ct);
            return await work(ct);
        });

    /// <summary>A sign-out form: the sessions it ends, once its anti-forgery token is checked.</summary>
    public Task<IResult> ForSignOut(HttpRequest request, string tenant, Func<BrowserSessions, CancellationToken, Task<IResult>> work) =>
        Run(request, async ct => await work(await callers.SignOutFormAsync(request, tenant, ct), ct));

    private Task<IResult> StaffSignInAsync(string tenant, string title)
    {
        var displayName = tenants.Get(tenant).DisplayName;
        return pages.PageAsync<Pages.Staff.StaffSignIn>(200, PageFrames.Staff(title, displayName), new()
        {
            [nameof(Pages.Staff.StaffSignIn.TenantId)] = tenant,
            [nameof(Pages.Staff.StaffSignIn.DisplayName)] = displayName,
        });
    }

    private async Task<IResult> RunAsync(HttpRequest request, Func<Task<IResult>> work)
    {
        headers.Apply(request);
        // The language switch's pick is kept for the next pages (the page itself reads it from the query).
        if (PageFrames.PickedLanguage(request) is { } language)
        {
            cookies.WriteLanguage(request.HttpContext.Response, language);
        }

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

            // Only a tenant the service knows is named: the path is the caller's, and could hold anything.
            LogRefused(tenants.Find(Routes.TenantOf(request.Path.Value))?.Id ?? "(none)", request.Method, e.Error.Code, e.Error.Status);
            return await FailureAsync(request, e.Error, e.Detail, e.ReturnTo);
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

    /// <param name="returnTo">Where the person was going (the page's links keep it, once checked again).</param>
    public async Task<IResult> FailureAsync(HttpRequest request, ApiError error, string detail, string? returnTo = null)
    {
        var response = request.HttpContext.Response;
        var retryAfter = error.Status switch
        {
            StatusCodes.Status503ServiceUnavailable => RetryAfterSeconds,
            StatusCodes.Status429TooManyRequests => RetryAfterLimitedSeconds,
            _ => (int?)null,
        };
        if (retryAfter is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (Negotiation.PrefersHtml(request))
        {
            return await errorPages.PageAsync(request, error, detail, returnTo, retryAfter is { } wait ? TimeSpan.FromSeconds(wait) : null);
        }

        return TypedResults.Json(new ProblemBody(
            Type: "about:blank",
            Title: error.Title,
            Status: error.Status,
            Detail: detail,
            Code: error.Code,
            Message: detail), ApiJson.Options, "application/problem+json", error.Status);
    }

    /// <summary>Every refusal, by its code (the services log the finer reason where they decide it); never the path's ids or the detail.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Request refused in tenant {Tenant}: {Method} answered {Status} {Code}")]
    private partial void LogRefused(string tenant, string method, string code, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage failed handling {Path}: status {Status}, code {ErrorCode}; answered 503")]
    private partial void LogStorageFault(PathString path, int status, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bearer request for tenant {Tenant} refused with 429: its client sent too many refused tokens this minute")]
    private partial void LogRefusalsExhausted(string tenant);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure handling {Path}")]
    private partial void LogUnexpected(Exception exception, PathString path);
}

/// <summary>RFC 9457 members plus openEO's <c>code</c> and <c>message</c>.</summary>
public sealed record ProblemBody(string Type, string Title, int Status, string Detail, string Code, string Message);
