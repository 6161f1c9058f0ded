using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.SignIn.CallbackAttackTests;

namespace Onboarding.IntegrationTests.Reports;

/// <summary>The report API through the development provider: operators only, JSON and CSV, per tenant and across tenants.</summary>
[Collection(DevProviderCollection.Name)]
public sealed class ReportApiTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private static readonly string Month = DateTimeOffset.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    private readonly Dictionary<string, string> _tokens = [];

    private ServiceHost Service => host.Service;

    public async ValueTask InitializeAsync()
    {
        foreach (var account in new[] { "alice", "bob", "dave" })
        {
            using var browser = new Browser();
            Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(Service.BaseUrl, "demo", account)).StatusCode);
        }

        await Service.DrainUptakeAsync(); // as the timer does within 15 seconds

        foreach (var (key, account, realm) in new[] { ("olivia", "olivia", "demo"), ("carol", "carol", "demo"), ("olivia@other", "olivia", "other") })
        {
            _tokens[key] = await DevTokens.AccessTokenAsync(account, realm);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<HttpResponseMessage> GetAsync(string path, string? token, string accept = "application/json")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, path));
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Operator_GetsThisMonthsSignUps_AsJson()
    {
        using var response = await GetAsync($"api/tenants/demo/reports/uptake?from={Month}&to={Month}&by=country", _tokens["olivia"]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var month = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("months").EnumerateArray());
        Assert.Equal(Month, month.GetProperty("month").GetString());
        Assert.Equal(3, month.GetProperty("totals").GetProperty("signups").GetInt32());
        Assert.Equal(2, month.GetProperty("totals").GetProperty("vo_member").GetInt32());
        var countries = month.GetProperty("breakdown").EnumerateArray().ToDictionary(b => b.GetProperty("value").GetString()!);
        Assert.Equal("<5", countries["BE"].GetProperty("signups").GetString()); // one person: suppressed
        Assert.Equal(["BE", "DE", "unknown"], countries.Keys.Order());
    }

    [Theory]
    [InlineData("format=csv", "application/json")]
    [InlineData("", "text/csv")]
    public async Task Csv_ByFormatOrAccept(string format, string accept)
    {
        using var response = await GetAsync($"api/tenants/demo/reports/uptake?from={Month}&to={Month}&by=institution&{format}", _tokens["olivia"], accept);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal("month,institution,signups,active_users,sign_ins,signed_in,vo_member,partners_linked,ready,median_days_to_ready,returned_month_1,returned_month_3,returned_month_6", lines[0]);
        // Each test signs the three in again: sign-ins grow, the distinct counts stay three.
        Assert.Matches($@"^{Month},\(total\),3,3,\d+,3,2,", lines[1]);
        Assert.Contains(lines, l => l.StartsWith($"{Month},vito.be,<5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnlyOperatorsOfThisTenant()
    {
        await AssertProblem(await GetAsync("api/tenants/demo/reports/uptake", null), HttpStatusCode.Unauthorized, "AuthenticationRequired");
        await AssertProblem(await GetAsync("api/tenants/demo/reports/uptake", _tokens["carol"]), HttpStatusCode.Forbidden, "PermissionsInsufficient");
        await AssertProblem(await GetAsync("api/tenants/demo/reports/uptake", _tokens["olivia@other"]), HttpStatusCode.Forbidden, "TokenInvalid");
        await AssertProblem(await GetAsync("api/tenants/demo/reports/uptake", "garbage"), HttpStatusCode.Forbidden, "TokenInvalid");
    }

    [Theory]
    [InlineData("from=2026-05&to=2026-04")]
    [InlineData("from=2020-01&to=2026-01")]
    [InlineData("by=email")]
    [InlineData("from=last-year")]
    public async Task BadParameters_400(string query)
    {
        using var response = await GetAsync($"api/tenants/demo/reports/uptake?{query}", _tokens["olivia"]);
        await AssertProblem(response, HttpStatusCode.BadRequest, "ParameterInvalid");
    }

    [Fact]
    public async Task AcrossTenants_ForTheDeploymentOperator_WithATenantColumn()
    {
        using var json = await GetAsync($"api/reports/uptake?from={Month}&to={Month}", _tokens["olivia"]);
        using var csv = await GetAsync($"api/reports/uptake?from={Month}&to={Month}&format=csv", _tokens["olivia"]);
        using var denied = await GetAsync($"api/reports/uptake?from={Month}&to={Month}", _tokens["carol"]);

        var months = (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(["demo", "down", "other"], months.Select(m => m.GetProperty("tenant").GetString()).Order());
        Assert.Equal(3, months.Single(m => m.GetProperty("tenant").GetString() == "demo").GetProperty("totals").GetProperty("signups").GetInt32());
        Assert.StartsWith("tenant,month,breakdown,", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertProblem(denied, HttpStatusCode.Forbidden, "PermissionsInsufficient");
    }
}
