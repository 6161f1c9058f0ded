namespace Onboarding.Pages.Reports;

/// <summary>What each failed sign-in's error code means for an operator: where the person got stuck.</summary>
public static class FailureReasons
{
    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        ["SignInRefused"] = "cancelled or refused at the identity provider",
        ["LoginAttemptUnknown"] = "an unknown or already used sign-in (back button, a second tab, a forged link)",
        ["LoginAttemptExpired"] = "more than ten minutes at the identity provider",
        ["LoginAttemptNotThisBrowser"] = "came back in another browser, or cookies blocked",
        ["IssuerMismatch"] = "an answer from another identity provider",
        ["TokenExchangeFailed"] = "the provider refused the code exchange",
        ["IdTokenInvalid"] = "the provider's ID token failed its checks",
        ["UserInfoInvalid"] = "the provider's account details were missing or did not match",
        ["ParameterInvalid"] = "a malformed answer from the provider",
        ["OidcProviderUnavailable"] = "the identity provider could not be reached",
        ["OidcProviderMisconfigured"] = "the identity provider's configuration is wrong",
        ["ServiceUnavailable"] = "this service's storage could not be reached",
        ["Internal"] = "an unexpected fault of this service",
    };

    public static string Describe(string code) => Words.GetValueOrDefault(code, "another reason");
}
