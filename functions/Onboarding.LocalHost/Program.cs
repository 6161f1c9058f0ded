using Onboarding.LocalHost;

// Serves the Azure Functions app's own function classes for local runs; see LocalFunctionHost.
// `check-tenants [tenant]` checks the tenants' configuration against their providers and exits.
if (args is ["check-tenants", .. var rest])
{
    return await TenantCheckCommand.RunAsync(rest);
}

LocalFunctionHost.Build(args).Run();
return 0;
