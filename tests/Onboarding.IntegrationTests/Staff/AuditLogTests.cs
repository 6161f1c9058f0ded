using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Onboarding.IntegrationTests.Infrastructure;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// The audit log as operators read it: staff and users by name (the staff directory, the user's record
/// while it exists), filtered by staff member, user, action and window, paged, and exported as CSV.
/// Its own host, so the entries are exactly this test's.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class AuditLogTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    private ServiceHost Service => host.Service;

    [Fact(Timeout = 120_000)]
    public async Task Operators_ReadTheLogByName_FilterIt_PageIt_ExportIt_AndErasedUsersStayErased()
    {
        var ids = new Dictionary<string, string>();
        foreach (var person in new[] { "alice", "bob" })
        {
            using var browser = new Browser();
            using var signedIn = await browser.SignInAsync(Service.BaseUrl, "demo", person);
            ids[person] = (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user_id").GetString()!;
        }

        var carol = await DevTokens.AccessTokenAsync("carol");
        var olivia = await DevTokens.AccessTokenAsync("olivia");
        foreach (var (method, path) in new[]
        {
            ("GET", "support/users?email=bob@uni-bonn.de"), ("GET", $"support/users/{ids["bob"]}"),
            ("POST", $"support/users/{ids["bob"]}/recheck"), ("GET", $"support/users/{ids["alice"]}"),
        })
        {
            using var done = await CallAsync(method, path, carol);
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        var all = await EntriesAsync("", olivia);
        Assert.Equal(["viewed a user", "re-checked a user's partner accounts", "viewed a user", "searched"], all.Select(e => e.GetProperty("action_text").GetString()));
        Assert.All(all, e => Assert.Equal("carol@eodc.eu", e.GetProperty("staff").GetString()));
        Assert.Equal(["alice@vito.be", "bob@uni-bonn.de", "bob@uni-bonn.de", "bob@uni-bonn.de"], all.Select(e => e.GetProperty("user").GetString()));
        Assert.Equal("by email", all[3].GetProperty("detail").GetString());

        // Filters: by staff (email or id), by user (email or id), by action; and one that names nobody known.
        Assert.Equal(4, (await EntriesAsync("staff=carol@eodc.eu", olivia)).Count);
        Assert.Equal(4, (await EntriesAsync("staff=CAROL@eodc.eu", olivia)).Count);
        Assert.Empty(await EntriesAsync("staff=olivia@openeo.cloud", olivia)); // olivia read, and reading is not an action
        Assert.Equal(3, (await EntriesAsync("user=bob@uni-bonn.de", olivia)).Count);
        Assert.Equal(["alice@vito.be"], (await EntriesAsync($"user={ids["alice"]}", olivia)).Select(e => e.GetProperty("user").GetString()));
        Assert.Equal(2, (await EntriesAsync("action=view", olivia)).Count);
        Assert.Single(await EntriesAsync("action=view&user=bob@uni-bonn.de", olivia));
        Assert.Empty(await EntriesAsync("user=nobody@example.org", olivia));
        using (var bad = await CallAsync("GET", "support/audit?action=delete", olivia))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("ParameterInvalid", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(await EntriesAsync("from=2020-01-01&to=2020-01-31", olivia));
        Assert.Equal(4, (await EntriesAsync($"from={today}&to={today}", olivia)).Count);

        // CSV: RFC 4180 with a header row, every matching entry, named.
        using (var csv = await CallAsync("GET", "support/audit?format=csv&user=bob@uni-bonn.de", olivia))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("attachment; filename=\"audit-demo-", csv.Content.Headers.ContentDisposition?.ToString() ?? csv.Headers.GetValues("Content-Disposition").First(), StringComparison.Ordinal);
            var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n");
            Assert.Equal("at_utc,staff,staff_id,staff_roles,action,action_text,user_id,detail", lines[0]);
            Assert.Equal(3 + 2, lines.Length); // header, three entries, the empty string after the last CRLF
            Assert.All(lines[1..^1], l => Assert.Contains(",carol@eodc.eu,", l, StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(",recheck,re-checked a user's partner accounts," + ids["bob"] + ",", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("bob@uni-bonn.de", StringComparison.Ordinal)); // a file of the log names users by id only
        }

        // Support staff may not read it.
        using (var denied = await CallAsync("GET", "support/audit", carol))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        // bob is erased on request: the log keeps what was done, and calls him "erased user" from now on.
        using (var erased = await CallAsync("DELETE", $"support/users/{ids["bob"]}", carol))
        {
            Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        }

        var afterwards = await EntriesAsync($"user={ids["bob"]}", olivia);
        Assert.Equal(4, afterwards.Count);
        Assert.All(afterwards, e => Assert.Equal("erased user", e.GetProperty("user").GetString()));
        Assert.Empty(await EntriesAsync("user=bob@uni-bonn.de", olivia)); // his address is gone with him

        // The trail holds ids only; the names come from the staff directory, which holds work addresses of staff.
        await foreach (var stored in Service.Table("audit").QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.DoesNotContain(stored.Keys.Select(k => stored[k]), v => v is string text && text.Contains('@', StringComparison.Ordinal));
        }

        var directory = new List<TableEntity>();
        await foreach (var entry in Service.Table("staffdirectory").QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
        {
            directory.Add(entry);
        }

        Assert.Equal(["carol@eodc.eu", "olivia@openeo.cloud"], directory.Select(e => e.GetString("Email")).Order(StringComparer.Ordinal));
    }

    private async Task<List<JsonElement>> EntriesAsync(string query, string token)
    {
        using var response = await CallAsync("GET", "support/audit?" + query, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entries").EnumerateArray().ToList();
    }

    private async Task<HttpResponseMessage> CallAsync(string method, string path, string token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Service.BaseUrl, "api/tenants/demo/" + path));
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        return await http.SendAsync(request);
    }
}
