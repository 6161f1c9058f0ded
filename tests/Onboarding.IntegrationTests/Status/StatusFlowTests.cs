using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.LocalHost;

namespace Onboarding.IntegrationTests.Status;

/// <summary>Onboarding status at sign-in, with the development provider, partner service and Azurite.</summary>
[Collection(DevProviderCollection.Name)]
public sealed class StatusFlowTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private const string Enrolment = "https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud";
    private ServiceHost Service => host.Service;

    private async Task<JsonElement> SignInAsync(string tenant, string account)
    {
        using var browser = new Browser();
        using var response = await browser.SignInAsync(Service.BaseUrl, tenant, account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonElement Step(JsonElement body, string id) =>
        body.GetProperty("status").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);

    [Fact]
    public async Task Alice_IsReady_AsEarlyAdopter_WithTerrascopeLinked()
    {
        var body = await SignInAsync("demo", "alice");

        var status = body.GetProperty("status");
        Assert.True(status.GetProperty("ready").GetBoolean());
        Assert.Equal(["Early_Adopter"], status.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["account", "membership", "terrascope"],
            status.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.All(status.GetProperty("steps").EnumerateArray(), s =>
        {
            Assert.Equal("done", s.GetProperty("state").GetString());
            Assert.NotEqual(JsonValueKind.Null, s.GetProperty("completed_at").ValueKind);
        });
    }

    [Fact]
    public async Task Bob_NeedsMembership_AndGetsTheEnrolmentLink()
    {
        var body = await SignInAsync("demo", "bob");

        var membership = Step(body, "membership");
        Assert.Equal("action_required", membership.GetProperty("state").GetString());
        Assert.Equal(Enrolment, membership.GetProperty("action_url").GetString());
        Assert.False(body.GetProperty("status").GetProperty("ready").GetBoolean());
        Assert.Equal("membership", body.GetProperty("status").GetProperty("next_step").GetString());

        // The record keeps states and times, never the entitlement values themselves.
        var stored = Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "bob@uni-bonn.de");
        Assert.DoesNotContain("urn:mace", stored.Status, StringComparison.Ordinal);
        Assert.Contains("action_required", stored.Status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dave_HasHisTrialRole_AndNeedsThePartnerLink_ThenTheTimerCompletesIt()
    {
        var body = await SignInAsync("demo", "dave");

        Assert.Equal(["30-Day-Trial"], body.GetProperty("status").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("done", Step(body, "membership").GetProperty("state").GetString());
        var terrascope = Step(body, "terrascope");
        Assert.Equal("action_required", terrascope.GetProperty("state").GetString());
        Assert.Equal("https://portal.terrascope.be/", terrascope.GetProperty("action_url").GetString());

        await DevPartner.SetLinkedAsync("dave", linked: true);
        try
        {
            var scheduler = Service.Services.GetRequiredService<TimerFunctionScheduler>();
            await scheduler.InvokeAsync(scheduler.Schedules.Single(s => s.Function.Name == "RecheckPartners").Function,
                TestContext.Current.CancellationToken);

            var stored = Assert.Single(await Service.UsersAsync("demo"), u => u.Email == "dave.social@gmail.com");
            var status = stored.ReadStatus();
            Assert.Equal(Onboarding.Users.StepState.Done, status.Step("terrascope")!.State);
            Assert.NotNull(status.ReadyAt);
            Assert.Equal(0, await CountRechecks(stored.RowKey)); // done: off the re-check schedule
        }
        finally
        {
            await DevPartner.SetLinkedAsync("dave", linked: false);
        }
    }

    [Fact]
    public async Task PartnerDown_StepUnknown_SignInStillSucceeds()
    {
        var body = await SignInAsync("other", "bob");

        var terrascope = Step(body, "terrascope");
        Assert.Equal("unknown", terrascope.GetProperty("state").GetString());
        Assert.Contains("retry", terrascope.GetProperty("message").GetString(), StringComparison.Ordinal);
        var stored = Assert.Single(await Service.UsersAsync("other"), u => u.Email == "bob@uni-bonn.de");
        Assert.Equal(1, await CountRechecks(stored.RowKey, "other")); // will be asked again
    }

    [Fact]
    public async Task BrowserPage_ShowsTheStepsWithTheirLinks()
    {
        using var browser = new Browser("text/html");

        using var response = await browser.SignInAsync(Service.BaseUrl, "demo", "bob");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-step=\"membership\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud\"", html, StringComparison.Ordinal);
        Assert.Contains("To do", html, StringComparison.Ordinal);
    }

    private async Task<int> CountRechecks(string userId, string tenant = "demo")
    {
        var count = 0;
        var partition = Onboarding.Storage.Partitions.Spread(tenant, userId);
        await foreach (var _ in Service.Table("partnerrechecks").QueryAsync<Azure.Data.Tables.TableEntity>(
            e => e.PartitionKey == partition && e.RowKey == userId))
        {
            count++;
        }

        return count;
    }
}
