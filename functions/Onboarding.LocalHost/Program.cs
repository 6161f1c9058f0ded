using Onboarding.LocalHost;

// Serves the Azure Functions app's own function classes for local runs; see LocalFunctionHost.
LocalFunctionHost.Build(args).Run();
