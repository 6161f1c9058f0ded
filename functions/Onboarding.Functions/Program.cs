using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Onboarding.Functions.Telemetry;
using Onboarding.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddOnboardingFunctions();
builder.AddOnboardingTelemetry();
builder.Build().Run();
