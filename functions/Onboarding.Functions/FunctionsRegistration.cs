using Microsoft.Extensions.DependencyInjection;
using Onboarding.Functions.Http;

namespace Onboarding.Functions;

public static class FunctionsRegistration
{
    /// <summary>The services the function classes need; shared by the Functions app and the local host.</summary>
    public static IServiceCollection AddOnboardingFunctions(this IServiceCollection services)
    {
        services.AddOnboardingCore();
        services.AddSingleton<HttpResponder>();
        return services;
    }
}
