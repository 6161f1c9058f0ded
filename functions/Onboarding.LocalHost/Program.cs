using Onboarding.LocalHost;

// Serves the Azure Functions app's own function classes for local runs; see LocalFunctionHost.
// `check-tenants [tenant]` checks the tenants' configuration against their providers and exits;
// `backfill-search-index [tenant]` brings records from before the search index into it and exits.
if (args is ["check-tenants", .. var rest])
{
    return await TenantCheckCommand.RunAsync(rest);
}

if (args is ["backfill-search-index", .. var tenants])
{
    return await BackfillCommand.RunAsync(tenants);
}

LocalFunctionHost.Build(args).Run();
return 0;
