using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Onboarding.IntegrationTests.Infrastructure;
using static Onboarding.IntegrationTests.SignIn.CallbackAttackTests;

namespace Onboarding.IntegrationTests.Privacy;

/// <summary>The person's rights: their data as JSON, erasure by API and by a confirmed form.</summary>
[Collection(DevProviderCollection.Name)]
public sealed class SelfServiceTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(Service.BaseUrl, path));
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer oidc/egi/{token}");
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task DeleteMe_RemovesEveryPersonalItem_AndAnswers204Twice_OtherTenantUntouched()
    {
        using (var browser = new Browser())
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(Service.BaseUrl, "demo", "dave")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(Service.BaseUrl, "other", "dave")).StatusCode);
        }

        var token = await DevTokens.AccessTokenAsync("dave");
        using var data = await SendAsync(HttpMethod.Get, "api/tenants/demo/me/data", token);
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        var export = await data.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("dave.social@gmail.com", export.GetProperty("record").GetProperty("email").GetString());
        Assert.True(export.GetProperty("email_lookup_entry").GetBoolean());
        Assert.Equal(365, export.GetProperty("retention_days").GetInt32());
        var userId = export.GetProperty("user_id").GetString()!;
        // dave has no Terrascope link yet: the re-check schedule is stored about him, and exported.
        Assert.Equal(JsonValueKind.Object, export.GetProperty("partner_recheck").ValueKind);
        Assert.Equal(1, await CountWhere("partnerrechecks", e => e.PartitionKey.StartsWith("demo~", StringComparison.Ordinal) && e.RowKey == userId));
        Assert.Equal(1, await CountWhere("emailindex", e => e.PartitionKey.StartsWith("demo~", StringComparison.Ordinal) && e.GetString("UserIds").Contains(userId, StringComparison.Ordinal)));

        using var erase = await SendAsync(HttpMethod.Delete, "api/tenants/demo/me", token);
        using var again = await SendAsync(HttpMethod.Delete, "api/tenants/demo/me", token);

        Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.DoesNotContain(await Service.UsersAsync("demo"), u => u.RowKey == userId);
        Assert.Equal(0, await CountWhere("emailindex", e => e.PartitionKey.StartsWith("demo~", StringComparison.Ordinal) && e.GetString("UserIds").Contains(userId, StringComparison.Ordinal)));
        Assert.Equal(0, await CountWhere("expiries", e => e.PartitionKey.StartsWith("demo_", StringComparison.Ordinal) && e.RowKey.EndsWith(userId, StringComparison.Ordinal)));
        Assert.Equal(0, await CountWhere("partnerrechecks", e => e.PartitionKey.StartsWith("demo~", StringComparison.Ordinal) && e.RowKey == userId));
        Assert.Contains(await Service.UsersAsync("other"), u => u.Email == "dave.social@gmail.com");
    }

    [Fact]
    public async Task Browser_SeesItsData_AndErasesOnlyAfterConfirming()
    {
        using var browser = new Browser("text/html");
        using (var page = await browser.SignInAsync(Service.BaseUrl, "demo", "olivia"))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("href=\"/api/tenants/demo/me/data\"", html, StringComparison.Ordinal);
        }

        // "Your data" is a page: what is kept, the download and the erase action.
        using (var data = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/me/data")))
        {
            Assert.Equal(HttpStatusCode.OK, data.StatusCode);
            Assert.Equal("text/html", data.Content.Headers.ContentType?.MediaType);
            var html = await data.Content.ReadAsStringAsync();
            Assert.Contains("olivia@openeo.cloud", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/api/tenants/demo/me/erase\"", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/api/tenants/demo/me/data?format=json\"", html, StringComparison.Ordinal);
        }

        using var confirm = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/me/erase"));
        var form = await confirm.Content.ReadAsStringAsync();
        var csrf = Regex.Match(form, "name=\"csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(csrf);
        Assert.Contains(await Service.UsersAsync("demo"), u => u.Email == "olivia@openeo.cloud"); // not yet

        using (var forged = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/demo/me/erase"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "yes", ["csrf"] = "forged" }),
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Contains(await Service.UsersAsync("demo"), u => u.Email == "olivia@openeo.cloud");
        }

        using var erased = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(Service.BaseUrl, "api/tenants/demo/me/erase"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "yes", ["csrf"] = csrf }),
        });

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Contains("erased", await erased.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await Service.UsersAsync("demo"), u => u.Email == "olivia@openeo.cloud");
    }

    [Fact]
    public async Task WithoutTokenOrSession_401()
    {
        using var browser = new Browser();

        using var data = await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/me/data"));
        using var erase = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri(Service.BaseUrl, "api/tenants/demo/me")));

        await AssertProblem(data, HttpStatusCode.Unauthorized, "AuthenticationRequired");
        await AssertProblem(erase, HttpStatusCode.Unauthorized, "AuthenticationRequired");
    }

    [Fact]
    public async Task SessionOfTenantOther_OpensNothingOfDemo()
    {
        using var browser = new Browser();
        Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(Service.BaseUrl, "other", "bob")).StatusCode);
        var session = browser.Cookies.GetAllCookies().Single(c => c.Name == "onboarding-session-other");

        // Replay the other tenant's session value on demo's paths.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/demo/me/data"));
        request.Headers.Add("Cookie", $"onboarding-session-demo={session.Value}");
        using var response = await http.SendAsync(request);

        await AssertProblem(response, HttpStatusCode.Unauthorized, "AuthenticationRequired");
    }

    private async Task<int> CountWhere(string table, Func<Azure.Data.Tables.TableEntity, bool> predicate)
    {
        var count = 0;
        try
        {
            await foreach (var e in Service.Table(table).QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                count += predicate(e) ? 1 : 0;
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return count;
    }
}
