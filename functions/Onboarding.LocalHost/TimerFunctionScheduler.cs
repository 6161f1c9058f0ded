using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace Onboarding.LocalHost;

/// <summary>
/// Runs timer functions on their NCRONTAB schedules (six fields, with seconds, in UTC), as the
/// Functions host does. A schedule written as <c>%Setting%</c> is read from that setting.
/// </summary>
public sealed partial class TimerFunctionScheduler(
    FunctionCatalog catalog,
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<TimerFunctionScheduler> logger) : BackgroundService
{
    public static CrontabSchedule Parse(string expression) =>
        CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });

    public static string ResolveSchedule(string schedule, IConfiguration configuration)
    {
        if (schedule.Length > 2 && schedule[0] == '%' && schedule[^1] == '%')
        {
            var setting = schedule[1..^1];
            return configuration[setting] is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"The timer schedule setting '{setting}' is not set.");
        }

        return schedule;
    }

    /// <summary>Parses every schedule up front, so a bad one fails the start rather than a later run.</summary>
    public IReadOnlyList<(TimerFunction Function, CrontabSchedule Schedule)> Schedules { get; } =
        catalog.Timers.Select(t => (t, Parse(ResolveSchedule(t.Schedule, configuration)))).ToList();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Schedules
            .Where(s => !FunctionCatalog.IsDisabled(s.Function.Name, configuration))
            .Select(s => RunForeverAsync(s.Function, s.Schedule, stoppingToken)));

    private async Task RunForeverAsync(TimerFunction function, CrontabSchedule schedule, CancellationToken stoppingToken)
    {
        if (function.RunOnStartup)
        {
            await InvokeAsync(function, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await InvokeAsync(function, stoppingToken);
        }
    }

    public async Task InvokeAsync(TimerFunction function, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Class);
        var arguments = function.Method.GetParameters().Select(p =>
            p.ParameterType == typeof(TimerInfo) ? new TimerInfo() :
            p.ParameterType == typeof(CancellationToken) ? (object)cancellationToken :
            throw new InvalidOperationException($"Timer function {function.Name}: cannot bind '{p.Name}'.")).ToArray();
        try
        {
            LogRun(function.Name);
            if (function.Method.Invoke(instance, arguments) is Task task)
            {
                await task;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e, function.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer function {Name} running")]
    private partial void LogRun(string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Name} failed")]
    private partial void LogFailed(Exception exception, string name);
}
