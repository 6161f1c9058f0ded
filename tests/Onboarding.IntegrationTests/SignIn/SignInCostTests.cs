using System.Net;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.IntegrationTests.Privacy;

namespace Onboarding.IntegrationTests.SignIn;

/// <summary>What a sign-in costs in storage requests (docs/performance.md), counted, not timed.</summary>
public sealed class SignInCostTests : TestProviderTests
{
    private readonly MethodCounter _counter = new();

    protected override IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AzureWebJobs.DrainUptake.Disabled"] = "true", // its reads are not the sign-in's
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        var options = new TableClientOptions();
        options.AddPolicy(_counter, HttpPipelinePosition.PerCall);
        services.AddSingleton(options);
    }

    private async Task<int> CallbackRequestsAsync()
    {
        using var browser = new Browser();
        var callback = await browser.CallbackUrlAsync(Service.BaseUrl, "rp", Provider.Subject);
        _counter.Clear();
        using var response = await browser.GetAsync(callback);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        TestContext.Current.TestOutputHelper?.WriteLine($"callback requests: {_counter}");
        return _counter.Total;
    }

    [Fact]
    public async Task FirstSignIn_SevenCallbackRequests_RepeatTheSameDay_Three()
    {
        Provider.Subject = "warm-up";
        await CallbackRequestsAsync(); // the tables are created on first use
        Provider.Subject = "kim";
        // First: the state marked used, user read, expiry entry read (an attempt a crash stopped may
        // have named keys there) + write, email row read + insert, the record with its outbox row
        // (this tenant has no partners, so no re-check schedule).
        Assert.Equal(7, await CallbackRequestsAsync());
        // The same day again: no index entry changes, nothing to tidy.
        Assert.Equal(3, await CallbackRequestsAsync());
        Assert.Equal(2, Assert.Single(await Service.UsersAsync("rp"), u => u.Subject == "kim").SignInCount);
    }
}
