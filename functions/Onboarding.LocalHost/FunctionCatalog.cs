using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Onboarding.LocalHost;

public sealed record HttpFunction(string Name, Type Class, MethodInfo Method, IReadOnlyList<string> Methods, string Route);

public sealed record TimerFunction(string Name, Type Class, MethodInfo Method, string Schedule, bool RunOnStartup);

/// <summary>
/// The functions of an assembly, read from the same attributes the Azure Functions host reads:
/// <see cref="FunctionAttribute"/>, <see cref="HttpTriggerAttribute"/> and <see cref="TimerTriggerAttribute"/>.
/// There is no second route table to keep in step.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<TimerFunction> timers)
    {
        Http = http;
        Timers = timers;
    }

    public IReadOnlyList<HttpFunction> Http { get; }
    public IReadOnlyList<TimerFunction> Timers { get; }

    /// <summary>The Functions host's own switch: app setting <c>AzureWebJobs.{name}.Disabled</c> = true.</summary>
    public static bool IsDisabled(string functionName, IConfiguration configuration) =>
        bool.TryParse(configuration[$"AzureWebJobs.{functionName}.Disabled"], out var disabled) && disabled;

    public static FunctionCatalog Discover(Assembly assembly)
    {
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                foreach (var parameter in method.GetParameters())
                {
                    if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } trigger)
                    {
                        var methods = trigger.Methods is { Length: > 0 } m ? m.Select(x => x.ToUpperInvariant()).ToList() : ["GET", "POST"];
                        http.Add(new HttpFunction(function.Name, type, method, methods, trigger.Route ?? function.Name));
                    }
                    else if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timer)
                    {
                        timers.Add(new TimerFunction(function.Name, type, method, timer.Schedule, timer.RunOnStartup));
                    }
                }
            }
        }

        return new FunctionCatalog(http, timers);
    }
}
