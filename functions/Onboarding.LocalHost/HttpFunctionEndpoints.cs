using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;

namespace Onboarding.LocalHost;

/// <summary>
/// Maps each HTTP function to its route under the host's route prefix and invokes it the way the
/// Functions ASP.NET Core integration does: a new instance from DI per call, the trigger's
/// <see cref="HttpRequest"/>, route values bound by parameter name, and the returned
/// <see cref="IResult"/> or <see cref="IActionResult"/> executed against the response.
/// </summary>
public static class HttpFunctionEndpoints
{
    public static void MapHttpFunctions(this WebApplication app, FunctionCatalog catalog, string routePrefix)
    {
        foreach (var function in catalog.Http.Where(f => !FunctionCatalog.IsDisabled(f.Name, app.Configuration)))
        {
            var binders = function.Method.GetParameters().Select(p => BinderFor(function, p)).ToArray();
            var pattern = string.IsNullOrEmpty(routePrefix) ? function.Route : $"{routePrefix}/{function.Route}";
            app.MapMethods("/" + pattern, function.Methods, context => InvokeAsync(context, function, binders))
                .WithName(function.Name);
        }
    }

    private static async Task InvokeAsync(HttpContext context, HttpFunction function, Func<HttpContext, object?>[] binders)
    {
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.RequestServices, function.Class);
        var arguments = binders.Select(bind => bind(context)).ToArray();
        var returned = function.Method.Invoke(instance, arguments);
        var result = await Unwrap(returned);
        switch (result)
        {
            case IResult iResult:
                await iResult.ExecuteAsync(context);
                break;
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case null:
                break;
            default:
                throw new InvalidOperationException($"Function {function.Name} returned {result.GetType()}, which this host does not serve.");
        }
    }

    private static async Task<object?> Unwrap(object? returned)
    {
        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
    }

    /// <summary>How one parameter gets its value; decided once at start, so a signature this host cannot serve fails the start.</summary>
    private static Func<HttpContext, object?> BinderFor(HttpFunction function, ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is not null)
        {
            return parameter.ParameterType == typeof(HttpRequest)
                ? context => context.Request
                : throw Unsupported(function, parameter);
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context => context.RequestAborted;
        }

        var name = parameter.Name!;
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (type == typeof(string) || type.IsPrimitive || type == typeof(Guid))
        {
            return context => context.GetRouteValue(name) is { } value
                ? (type == typeof(Guid) ? Guid.Parse(value.ToString()!) : Convert.ChangeType(value, type, CultureInfo.InvariantCulture))
                : null;
        }

        throw Unsupported(function, parameter);
    }

    private static InvalidOperationException Unsupported(HttpFunction function, ParameterInfo parameter) =>
        new($"Function {function.Name}: the local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType}.");
}
