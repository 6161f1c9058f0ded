using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Onboarding.Functions.Http;

namespace Onboarding.Functions;

public static class FunctionsRegistration
{
    /// <summary>The services the function classes need; shared by the Functions app and the local host.</summary>
    public static IServiceCollection AddOnboardingFunctions(this IServiceCollection services)
    {
        services.AddOnboardingCore();
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<Pages.Assets.SiteAssets>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClientRateLimits>();
        services.AddSingleton<HttpResponder>();
        services.AddSingleton<BrowserCookies>();
        services.AddSingleton<PageFrames>();
        services.AddSingleton<ErrorPages>();
        services.AddSingleton<ResponseHeaders>();
        services.AddSingleton<Users.PersonPages>();
        services.AddSingleton<Users.CheckAgainRedirects>();
        services.AddSingleton<Staff.LookUpOrigin>();
        services.AddSingleton<Staff.StaffFrames>();
        services.AddSingleton<Staff.StaffPageViews>();
        services.AddSingleton<Staff.StaffPageActions>();
        services.AddSingleton<Callers>();

        // The hosting diagnostics log every request URL with its query string, the callback's query
        // carries the authorization code and state, and redirect results log their target (the
        // authorization request, with state and nonce). In code, not only in settings, so no
        // configuration can switch them back on; LogPrivacyTests captures at Trace to prove it.
        services.AddLogging(logging => logging
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));
        return services;
    }
}
