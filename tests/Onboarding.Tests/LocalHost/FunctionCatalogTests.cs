using Microsoft.Extensions.Configuration;
using Onboarding.Functions;
using Onboarding.LocalHost;

namespace Onboarding.Tests.LocalHost;

public sealed class FunctionCatalogTests
{
    private static readonly FunctionCatalog Catalog = FunctionCatalog.Discover(typeof(FunctionsRegistration).Assembly);

    [Theory]
    [InlineData("Health", "GET", "health")]
    [InlineData("Login", "GET", "tenants/{tenant}/login")]
    [InlineData("Callback", "GET", "tenants/{tenant}/callback")]
    public void Discover_FindsHttpFunctionsFromTheirAttributes(string name, string method, string route)
    {
        var function = Assert.Single(Catalog.Http, f => f.Name == name);
        Assert.Equal(route, function.Route);
        Assert.Equal([method], function.Methods);
    }

    [Fact]
    public void Discover_FindsTimerFunctions_WithSchedulesNCrontabParses()
    {
        var timer = Assert.Single(Catalog.Timers, t => t.Name == "PurgeExpiredSignInState");
        var schedule = TimerFunctionScheduler.Parse(TimerFunctionScheduler.ResolveSchedule(timer.Schedule, new ConfigurationBuilder().Build()));
        var next = schedule.GetNextOccurrence(new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 1, 1, 0, 10, 0, DateTimeKind.Utc), next);
    }

    [Fact]
    public void ResolveSchedule_FromASetting_OrFailsNamingIt()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Purge:Schedule"] = "0 0 3 * * *" }).Build();

        Assert.Equal("0 0 3 * * *", TimerFunctionScheduler.ResolveSchedule("%Purge:Schedule%", settings));
        var error = Assert.Throws<InvalidOperationException>(() => TimerFunctionScheduler.ResolveSchedule("%Missing%", settings));
        Assert.Contains("Missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutePrefix_ComesFromTheShippedHostJson() =>
        Assert.Equal("api", Onboarding.Common.Routes.RoutePrefix(Path.Combine(RepoRoot.Path, "host.json")));
}
