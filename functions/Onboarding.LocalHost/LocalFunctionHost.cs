using System.Text.Json;
using Onboarding.Common;
using Onboarding.Functions;

namespace Onboarding.LocalHost;

/// <summary>
/// Builds the development host: the Functions app's own services and function classes, served by
/// Kestrel. Settings come as the Functions host gives them: <c>local.settings.json</c> "Values",
/// then environment variables (<c>__</c> for <c>:</c>), then whatever a test passes.
/// </summary>
public static class LocalFunctionHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static WebApplication Build(string[] args, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = LocalSettingsValues(Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json")),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddOnboardingFunctions();
        builder.Services.AddMvcCore();
        var catalog = FunctionCatalog.Discover(typeof(FunctionsRegistration).Assembly);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton<TimerFunctionScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerFunctionScheduler>());
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseExceptionHandler(failed => failed.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return context.Response.WriteAsJsonAsync(new { code = "Internal", message = "Something went wrong on our side." });
        }));
        app.MapHttpFunctions(catalog, Routes.RoutePrefix(Path.Combine(AppContext.BaseDirectory, "host.json")));
        return app;
    }

    private static Dictionary<string, string?> LocalSettingsValues(string path)
    {
        var values = new Dictionary<string, string?>();
        if (!File.Exists(path))
        {
            return values;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (document.RootElement.TryGetProperty("Values", out var section))
        {
            foreach (var value in section.EnumerateObject())
            {
                values[value.Name.Replace("__", ":", StringComparison.Ordinal)] = value.Value.GetString();
            }
        }

        return values;
    }
}
