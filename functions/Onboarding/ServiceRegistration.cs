using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.SignIn;
using Onboarding.Staff;
using Onboarding.Status;
using Onboarding.Storage;
using Onboarding.Tenants;
using Onboarding.Uptake;
using Onboarding.Users;

namespace Onboarding;

public static class ServiceRegistration
{
    /// <summary>Everything the core needs, whichever host runs it.</summary>
    public static IServiceCollection AddOnboardingCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddTableStorage();

        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UptakeOptions>().BindConfiguration(UptakeOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();

        // Loaded and validated once; a bad tenants file stops the host at start with the field's name.
        services.AddSingleton(sp => new TenantCatalog(TenantFile.Load(
            sp.GetRequiredService<IOptions<SignInOptions>>().Value.TenantsFile,
            sp.GetRequiredService<IConfiguration>())));
        services.AddHostedService<StartupChecks>();
        services.AddSingleton<Operations.TenantChecker>();
        services.AddHostedService<Operations.TenantCheckAtStart>();
        services.AddHostedService<Operations.SearchIndexBackfillAtStart>();

        // Two clients for the providers, each with a pipeline (and circuit breaker) per tenant: the
        // sign-in path (discovery, code exchange, userinfo at the callback) and bearer validation
        // (userinfo for tokens anyone can send). A flood of bad tokens can at worst open the bearer
        // breaker of its own tenant; sign-ins of that tenant and everything of other tenants on the
        // same provider host go on.
        foreach (var name in new[] { ProviderMetadata.HttpClientName, ProviderMetadata.BearerHttpClientName })
        {
            var client = services.AddHttpClient(name, http => http.DefaultRequestHeaders.UserAgent.ParseAdd("openeo-onboarding/1.0"));
            client
                .AddStandardResilienceHandler(resilience =>
                {
                    resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                    resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(12);
                    resilience.Retry.MaxRetryAttempts = 2;
                    resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                    // Only the provider's own failures count (timeouts, refused connections, 5xx):
                    // never a 4xx or a 429 that garbage we forwarded provoked.
                    resilience.Retry.ShouldHandle = args => ValueTask.FromResult(ProviderFailures.IsProviderFailure(args.Outcome));
                    // An authorization code is single-use: a retried POST to the token endpoint would
                    // only ever fail, and could hide the first answer. After ShouldHandle, which this wraps
                    // (set the other way round, it was replaced, and a 503 from the token endpoint was retried).
                    resilience.Retry.DisableForUnsafeHttpMethods();
                    resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(ProviderFailures.IsProviderFailure(args.Outcome));
                })
                .SelectPipelineBy(_ => ProviderFailures.PipelineKey);
            if (name == ProviderMetadata.HttpClientName)
            {
                // Inside the pipeline: each attempt's outcome on the sign-in path is what /login knows of the provider.
                client.AddHttpMessageHandler<ProviderHealthHandler>();
            }
        }

        services.AddHttpClient(ProviderHealth.ProbeHttpClientName, http =>
        {
            http.DefaultRequestHeaders.UserAgent.ParseAdd("openeo-onboarding/1.0");
            http.Timeout = ProviderHealth.ProbeTimeout;
        });
        services.AddSingleton<ProviderHealth>();
        services.AddTransient<ProviderHealthHandler>();

        services.AddSingleton<ProviderMetadata>();
        services.AddSingleton<ProviderClient>();
        services.AddSingleton<IdTokenValidator>();
        services.AddSingleton<ConsumedStates>();
        services.AddSingleton<SealedAttempts>();
        services.AddSingleton<BrowserBindings>();
        services.AddSingleton<LoginStarter>();
        services.AddSingleton<ProviderSignOut>();
        services.AddSingleton<TokenRevocation>();
        services.AddSingleton<CallbackHandler>();
        services.AddSingleton<SignInFailures>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<UserAddresses>();
        services.AddSingleton<UserSearch>();
        services.AddSingleton<SearchIndexBackfill>();
        services.AddSingleton<SignInRecorder>();
        services.AddSingleton<SubjectAliases>();
        services.AddSingleton<IdentityResolver>();
        services.AddSingleton<SignedUserInfo>();
        services.AddSingleton<AccessTokenPrecheck>();
        services.AddSingleton<ProviderCallBudget>();
        services.AddSingleton<BearerAuthenticator>();
        services.AddSingleton<MeService>();
        services.AddMemoryCache();
        services.AddSingleton<PartnerLinkChecker>();
        services.AddSingleton<RecheckSchedule>();
        services.AddSingleton<StatusService>();
        services.AddSingleton<PartnerRechecks>();
        services.AddHttpClient(PartnerLinkChecker.HttpClientName)
            .AddStandardResilienceHandler(resilience =>
            {
                // A slow partner must not hold up a sign-in: a few seconds, then "unknown".
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(8);
                resilience.Retry.MaxRetryAttempts = 2;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                resilience.Retry.UseJitter = true;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
            })
            .SelectPipelineByAuthority();
        services.AddSingleton<Pseudonymizer>();
        services.AddSingleton<EmailIndex>();
        services.AddSingleton<ExpiryIndex>();
        services.AddSingleton<UserEraser>();
        services.AddSingleton<StaleKeys>();
        services.AddSingleton<SignInIndexes>();
        services.AddSingleton<RetentionPurge>();
        services.AddSingleton<DataExport>();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<SelfService>();
        services.AddSingleton<CheckLimits>();
        services.AddSingleton<StatusCheck>();
        services.AddSingleton<SelfAuthenticator>();
        services.AddSingleton<StaffSessions>();
        services.AddSingleton<StaffLookUps>();
        services.AddSingleton<StaffAuthenticator>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditLines>();
        services.AddSingleton<StaffDirectory>();
        services.AddSingleton<IRetainedRecords, StaffRecordsRetention>();
        services.AddSingleton<SupportService>();
        services.AddSingleton<Uptake.UptakePlanner>();
        services.AddSingleton<Uptake.UptakeDrain>();
        services.AddSingleton<Uptake.FailedSignInCounting>();
        services.AddSingleton<Uptake.FailureShards>();
        services.AddHostedService<Uptake.FailureShardFlusher>();
        services.AddSingleton<Uptake.UptakeMarkers>();
        services.AddSingleton<Uptake.UptakeReports>();
        services.AddSingleton<Uptake.UptakeDashboard>();
        services.AddSingleton<Staff.DeploymentOperators>();
        return services;
    }
}
