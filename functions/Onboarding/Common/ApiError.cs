namespace Onboarding.Common;

/// <summary>
/// One kind of failure the service reports, with an openEO-style <see cref="Code"/>, the HTTP
/// status it maps to, and a title a person can read. Details stay generic: they go to callers,
/// the specifics go to the log.
/// </summary>
public sealed record ApiError(string Code, int Status, string Title)
{
    public static readonly ApiError ContentTypeInvalid =
        new("ContentTypeInvalid", 415, "This address takes the form of its page only.");

    public static readonly ApiError PayloadTooLarge =
        new("PayloadTooLarge", 413, "The request is too large.");

    public static readonly ApiError TenantNotFound =
        new("TenantNotFound", 404, "This platform is not known here.");

    public static readonly ApiError ParameterInvalid =
        new("ParameterInvalid", 400, "A parameter of the request is not valid.");

    public static readonly ApiError ReturnToNotAllowed =
        new("ReturnToNotAllowed", 400, "The address to return to after sign-in is not allowed for this platform.");

    public static readonly ApiError SignInRefused =
        new("SignInRefused", 400, "The sign-in was cancelled or refused at the identity provider. Sign in again when you are ready; if it is refused again, ask your institution's help desk.");

    public static readonly ApiError LoginAttemptUnknown =
        new("LoginAttemptUnknown", 400, "This sign-in is unknown or was already used (for example after going back in the browser). Please sign in again.");

    public static readonly ApiError LoginAttemptExpired =
        new("LoginAttemptExpired", 400, "This sign-in took too long and has expired. Please sign in again.");

    public static readonly ApiError LoginAttemptNotThisBrowser =
        new("LoginAttemptNotThisBrowser", 400, "This sign-in was started in another browser, or this browser did not keep our cookie. Please sign in again here.");

    public static readonly ApiError IssuerMismatch =
        new("IssuerMismatch", 400, "The sign-in answer came from an unexpected identity provider. Please sign in again.");

    public static readonly ApiError TokenExchangeFailed =
        new("TokenExchangeFailed", 400, "The identity provider did not accept the sign-in. Please sign in again.");

    public static readonly ApiError IdTokenInvalid =
        new("IdTokenInvalid", 400, "We could not verify the identity provider's answer. Please sign in again.");

    public static readonly ApiError UserInfoInvalid =
        new("UserInfoInvalid", 400, "The identity provider's account details do not match the sign-in. Please sign in again.");

    public static readonly ApiError AuthenticationRequired =
        new("AuthenticationRequired", 401, "Unauthorized: send a bearer token (Authorization: Bearer <token>).");

    public static readonly ApiError AuthenticationSchemeInvalid =
        new("AuthenticationSchemeInvalid", 403, "Invalid authentication scheme: use Bearer.");

    public static readonly ApiError TokenInvalid =
        new("TokenInvalid", 403, "Authorization token has expired or is invalid. Please authenticate again.");

    public static readonly ApiError PermissionsInsufficient =
        new("PermissionsInsufficient", 403, "You are signed in but not allowed to do this here.");

    public static readonly ApiError UserNotFound =
        new("UserNotFound", 404, "There is no record of you here (any more). Sign in again to register.");

    /// <summary>A client (or a flood) has used up what anonymous requests may spend on a provider for now.</summary>
    public static readonly ApiError TooManyRequests =
        new("TooManyRequests", 429, "Too many requests right now. Please try again in a few seconds.");

    public static readonly ApiError OidcProviderUnavailable =
        new("OidcProviderUnavailable", 503, "The identity provider cannot be reached right now. Please try again in a minute.");

    /// <summary>
    /// The tenant's provider answers, but not as its configuration says (issuer, endpoint hosts,
    /// client authentication): not an outage, so no "try again in a minute". Operators are told in the log.
    /// </summary>
    public static readonly ApiError OidcProviderMisconfigured =
        new("OidcProviderMisconfigured", 502, "Sign-in to this platform is misconfigured at the moment. Its operators have been told; please try again later.");

    /// <summary>Table storage failed or timed out (or stayed contended past every retry): transient, and nothing half-done stays.</summary>
    public static readonly ApiError StorageUnavailable =
        new("ServiceUnavailable", 503, "The service cannot reach its storage right now. Please try again in a minute.");

    public static readonly ApiError Internal =
        new("Internal", 500, "Something went wrong on our side. Please try again later.");
}

/// <summary>A failure with a known <see cref="ApiError"/>; mapped to a response in one place.</summary>
public sealed class OnboardingException : Exception
{
    public OnboardingException(ApiError error, string? detail = null, Exception? inner = null)
        : base(detail ?? error.Title, inner)
    {
        Error = error;
        Detail = detail ?? error.Title;
    }

    public ApiError Error { get; }

    /// <summary>Safe to show the caller: never holds tokens, codes or personal data.</summary>
    public string Detail { get; }

    /// <summary>
    /// Where the person was going when this happened (a sign-in's checked <c>return_to</c>, known only
    /// from the attempt at the callback), so that the page's "Sign in again" and "Continue" keep it.
    /// </summary>
    public string? ReturnTo { get; set; }
}
