using System.Net;
using Polly;

namespace Onboarding.SignIn;

/// <summary>What counts as a provider failure for retries and circuit breakers, and which pipeline a call goes through.</summary>
public static class ProviderFailures
{
    /// <summary>Set on every request to a provider: the tenant it is made for, which selects its pipeline.</summary>
    public static readonly HttpRequestOptionsKey<string> Tenant = new("onboarding.tenant");

    /// <summary>One pipeline per tenant (by its id on the request), else per provider authority.</summary>
    public static string PipelineKey(HttpRequestMessage request) =>
        request.Options.TryGetValue(Tenant, out var tenant) ? tenant : request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "";

    public static bool IsProviderFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        // Our own request could not be sent (a header the client refuses): not the provider's fault.
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ConnectionError
            or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ResponseEnded } } => true,
        { Exception: Polly.Timeout.TimeoutRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };
}
