using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Staff;

/// <summary>
/// Who may use the support and audit API: the role and tenant matrix, audit entries for allowed
/// actions only, look-ups by email, id, institution and country with paging.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class StaffAccessTests(DevProviderHost host) : IClassFixture<DevProviderHost>, IAsyncLifetime
{
    private static readonly Dictionary<string, string> Tokens = [];
    private string _bobId = "";

    private ServiceHost Service => host.Service;

    public async ValueTask InitializeAsync()
    {
        using var browser = new Browser();
        var response = await browser.SignInAsync(Service.BaseUrl, "demo", "bob");
        _bobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user_id").GetString()!;
        foreach (var (key, account, realm) in new[] { ("carol", "carol", "demo"), ("olivia", "olivia", "demo"), ("bob", "bob", "demo"), ("carol@other", "carol", "other") })
        {
            if (!Tokens.ContainsKey(key))
            {
                Tokens[key] = await DevTokens.AccessTokenAsync(account, realm);
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string CarolId => UserIds.For($"{TestEnvironment.IdpBaseUrl}/realms/demo", DevPartner.VopersonId("carol"));

    private static string OliviaId => UserIds.For($"{TestEnvironment.IdpBaseUrl}/realms/demo", DevPartner.VopersonId("olivia"));

    /// <summary>Each support or audit endpoint, and the role it needs.</summary>
    public static TheoryData<string, string, string> Endpoints() => new()
    {
        { "GET", "support/users?email=bob@uni-bonn.de", "support" },
        { "GET", "support/users/{bob}", "support" },
        { "POST", "support/users/{bob}/recheck", "support" },
        { "DELETE", "support/users/00000000000000000000000000000000", "support" },
        { "GET", "support/audit", "operator" },
    };

    private async Task<HttpResponseMessage> CallAsync(string method, string path, string? authorization)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Service.BaseUrl, "api/tenants/demo/" + path.Replace("{bob}", _bobId, StringComparison.Ordinal)));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await http.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task RoleAndTenantMatrix(string method, string path, string role)
    {
        var auditBefore = await AuditCount();
        var start = DateTimeOffset.UtcNow;

        await AssertDenied(await CallAsync(method, path, null), HttpStatusCode.Unauthorized, "AuthenticationRequired");
        await AssertDenied(await CallAsync(method, path, "Bearer not-a-valid-token"), HttpStatusCode.Forbidden, "TokenInvalid");
        await AssertDenied(await CallAsync(method, path, $"Bearer {Tokens["bob"]}"), HttpStatusCode.Forbidden, "PermissionsInsufficient");
        await AssertDenied(await CallAsync(method, path, $"Bearer oidc/egi/{Tokens["carol@other"]}"), HttpStatusCode.Forbidden, "TokenInvalid");
        var wrongRole = role == "support" ? "olivia" : "carol";
        await AssertDenied(await CallAsync(method, path, $"Bearer {Tokens[wrongRole]}"), HttpStatusCode.Forbidden, "PermissionsInsufficient");
        Assert.Equal(auditBefore, await AuditCount()); // denied calls leave no trace in the audit log

        var rightRole = role == "support" ? "carol" : "olivia";
        using var allowed = await CallAsync(method, path, $"Bearer oidc/egi/{Tokens[rightRole]}");
        Assert.True(allowed.IsSuccessStatusCode, $"{method} {path} as {rightRole}: {allowed.StatusCode}");
        if (role == "support")
        {
            var entry = Assert.Single(await AuditEntries(), e => e.GetDateTimeOffset("At") >= start);
            Assert.Equal(CarolId, entry.GetString("Actor"));
            Assert.Equal(ExpectedAction(method, path), entry.GetString("Action"));
            Assert.Equal("Support", entry.GetString("ActorRoles"));
        }
    }

    [Fact]
    public async Task StaffSessionOfAnotherTenant_OpensNothingHere()
    {
        using var browser = new Browser();
        using (var signIn = await browser.SignInAsync(Service.BaseUrl, "other", "carol"))
        {
            // follows the staff login to other's staff page below
        }

        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/other/login?for=staff&login_hint=carol"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var staffCookie = browser.Cookies.GetAllCookies().Single(c => c.Name == "onboarding-staff-other");

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, "api/tenants/demo/support/users?email=bob@uni-bonn.de"));
        // The genuine staff session of other, planted under demo's cookie name.
        request.Headers.Add("Cookie", $"onboarding-staff-demo={staffCookie.Value}");
        await AssertDenied(await http.SendAsync(request), HttpStatusCode.Forbidden, "PermissionsInsufficient");
    }

    [Fact]
    public async Task LookUps_ByEmailAndId_ArePointReads_AndShowTheStatus()
    {
        var auth = $"Bearer {Tokens["carol"]}";

        using var byEmail = await CallAsync("GET", "support/users?email=BOB@uni-bonn.de", auth);
        var found = Assert.Single((await byEmail.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("users").EnumerateArray());
        Assert.Equal(_bobId, found.GetProperty("user_id").GetString());

        using var byId = await CallAsync("GET", $"support/users/{_bobId}", auth);
        var user = await byId.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bob@uni-bonn.de", user.GetProperty("email").GetString());
        Assert.True(user.GetProperty("sign_in_count").GetInt32() >= 1);
        Assert.True(user.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(300));
        var membership = user.GetProperty("status").GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "membership");
        Assert.Equal("action_required", membership.GetProperty("state").GetString());

        using var unknown = await CallAsync("GET", "support/users/ffffffffffffffffffffffffffffffff", auth);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("institution", "example.edu")]
    [InlineData("country", "nl")]
    public async Task LookUps_ByInstitutionAndCountry_PageBeyondOnePage(string field, string value)
    {
        await SeedUsers(120, "example.edu", "NL");
        var seen = new HashSet<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            using var response = await CallAsync("GET", $"support/users?{field}={value}"
                + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)), $"Bearer {Tokens["carol"]}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            foreach (var user in body.GetProperty("users").EnumerateArray())
            {
                Assert.True(seen.Add(user.GetProperty("user_id").GetString()!), "a user appeared on two pages");
            }

            continuation = body.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Equal(120, seen.Count);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task ASearchExportedAsCsv_HasEveryUserFound_TheFieldsThePageShows_AndIsAudited()
    {
        await SeedUsers(70, "export-uni.example", "IE");
        using var response = await CallAsync("GET", "support/users?institution=export-uni&format=csv", $"Bearer {Tokens["carol"]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal("email,email_verified,institution,country,ready,next_step,first_sign_in,last_sign_in,sign_ins,user_id", lines[0]);
        Assert.Equal(70 + 2, lines.Length); // more than a page: every one of them
        Assert.All(lines[1..^1], l => Assert.Contains(",export-uni.example,IE,no,", l, StringComparison.Ordinal));

        var audit = await AuditEntries();
        Assert.Contains(audit, e => e.GetString("Action") == "export" && e.GetString("Actor") == CarolId && e.GetString("Detail") == "by institution"
            && e.GetString("TargetUser") is null);
        using var bad = await CallAsync("GET", "support/users?format=csv", $"Bearer {Tokens["carol"]}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ASearchCsvPastTheOldCap_IsStreamed_WithEveryOneOnce()
    {
        await SeedUsers(5_200, "stream-uni.example", "PT"); // past the 5,000 the export once stopped at, and past what the index sorts

        using var response = await CallAsync("GET", "support/users?country=PT&format=csv", $"Bearer {Tokens["carol"]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked); // sent as it is read, not built first
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal(5_200 + 2, lines.Length);
        Assert.Equal(5_200, lines[1..^1].Select(l => l[(l.LastIndexOf(',') + 1)..]).Distinct().Count());
        Assert.All(lines[1..^1], l => Assert.Contains(",stream-uni.example,PT,", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAuditCsvPastTheOldCap_HasEveryEntry_UsersByIdOnly()
    {
        var audit = Service.Table("audit");
        await audit.CreateIfNotExistsAsync();
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        var partition = Onboarding.Staff.AuditTrail.Partition("demo", now);
        var seeded = Enumerable.Range(0, 10_050).Select(i => new Onboarding.Staff.AuditEntity
        {
            PartitionKey = partition, RowKey = $"{DateTimeOffset.MaxValue.UtcTicks - now.AddSeconds(-i / 100).UtcTicks:D19}_s{i:D6}",
            At = now.AddSeconds(-i / 100), Actor = CarolId, ActorRoles = "Support", Action = "view", TargetUser = _bobId, Detail = "seeded",
        }).ToList();
        await Parallel.ForEachAsync(seeded.Chunk(100), async (chunk, ct) =>
            await audit.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));
        var expected = (await AuditEntries()).Count(e => e.PartitionKey.StartsWith("demo_", StringComparison.Ordinal)
            && e.GetDateTimeOffset("At") >= DateTimeOffset.UtcNow.AddDays(-30));

        using var response = await CallAsync("GET", "support/audit?format=csv", $"Bearer {Tokens["olivia"]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal("at_utc,staff,staff_id,staff_roles,action,action_text,user_id,detail", lines[0]);
        Assert.Equal(expected + 2, lines.Length);
        Assert.Equal(10_050, lines.Count(l => l.EndsWith($",view,viewed a user,{_bobId},seeded", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("bob@uni-bonn.de", StringComparison.Ordinal)); // users by id only
        await Parallel.ForEachAsync(seeded.Chunk(100), async (chunk, ct) =>
            await audit.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, Azure.ETag.All)), ct));
    }

    [Fact]
    public async Task BadLookUp_400()
    {
        using var none = await CallAsync("GET", "support/users", $"Bearer {Tokens["carol"]}");
        using var two = await CallAsync("GET", "support/users?email=a@b.c&country=BE", $"Bearer {Tokens["carol"]}");
        using var badRange = await CallAsync("GET", "support/audit?from=2026-05-01&to=2026-04-01", $"Bearer {Tokens["olivia"]}");

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, two.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
    }

    /// <summary>Windows that once meant 24,311 sequential queries, or an overflow and a 500: a clear 400, and no storage read.</summary>
    [Theory]
    [InlineData("support/audit?from=0001-01-01")]
    [InlineData("support/audit?from=9999-12-01")]
    [InlineData("support/audit?from=2020-01-01&to=2026-12-01")]
    [InlineData("reports/uptake?from=9995-01&to=9999-12")]
    [InlineData("reports/uptake?to=0001-01")]
    [InlineData("reports/uptake?from=2026-13")]
    public async Task OperatorWindowsOutOfRange_400_WithTheReason(string path)
    {
        using var response = await CallAsync("GET", path, $"Bearer {Tokens["olivia"]}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ParameterInvalid", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Operator_ReadsTheAuditLog_NewestFirst()
    {
        using (await CallAsync("GET", $"support/users/{_bobId}", $"Bearer {Tokens["carol"]}"))
        {
        }

        using var response = await CallAsync("GET", "support/audit", $"Bearer {Tokens["olivia"]}");

        var entries = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entries").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.Equal("view", entries[0].GetProperty("action").GetString());
        Assert.Equal(CarolId, entries[0].GetProperty("actor").GetString());
        Assert.Equal(_bobId, entries[0].GetProperty("target_user").GetString());
        var times = entries.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.Equal("carol@eodc.eu", entries[0].GetProperty("staff").GetString()); // named for the operator...
        Assert.Equal("bob@uni-bonn.de", entries[0].GetProperty("user").GetString());
        await foreach (var stored in Service.Table("audit").QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.DoesNotContain(stored.Keys.Select(k => stored[k]), v => v is string text && text.Contains('@', StringComparison.Ordinal)); // ...never in the trail itself
        }

        _ = OliviaId;
    }

    private static string ExpectedAction(string method, string path) => (method, path) switch
    {
        ("DELETE", _) => "erase",
        ("POST", _) => "recheck",
        (_, var p) when p.Contains('?', StringComparison.Ordinal) => "search",
        _ => "view",
    };

    [Theory]
    [InlineData("POST", "support/users/{bob}/recheck")]
    [InlineData("DELETE", "support/users/{bob}")]
    public async Task SupportApiChanges_WithTheStaffCookieAlone_FromAnotherSite_Refused_NoAuditEntry(string method, string path)
    {
        using var browser = new Browser();
        var (page, _) = await browser.FollowAsync(new Uri(Service.BaseUrl, "api/tenants/demo/login?for=staff&login_hint=carol"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var audited = await AuditCount();

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(Service.BaseUrl, "api/tenants/demo/" + path.Replace("{bob}", _bobId, StringComparison.Ordinal)));
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await browser.SendAsync(request); // the browser's cookies, no token

        await AssertDenied(response, HttpStatusCode.Unauthorized, "AuthenticationRequired");
        Assert.Equal(audited, await AuditCount());
        Assert.Contains(await Service.UsersAsync("demo"), u => u.RowKey == _bobId);
    }

    private async Task AssertDenied(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains($"\"code\":\"{code}\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain("bob@uni-bonn.de", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(_bobId, body, StringComparison.Ordinal);
        }
    }

    private async Task<int> AuditCount() => (await AuditEntries()).Count;

    private async Task<List<TableEntity>> AuditEntries()
    {
        var entries = new List<TableEntity>();
        try
        {
            await foreach (var e in Service.Table("audit").QueryAsync<TableEntity>())
            {
                entries.Add(e);
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return entries;
    }

    private async Task SeedUsers(int count, string institution, string country)
    {
        var users = Service.Table("users");
        await users.CreateIfNotExistsAsync();
        var now = DateTimeOffset.UtcNow;
        // As the store writes them: each record with its search index rows, in one transaction.
        // Each seeding its own people (ids named after the institution), so that no seeding leaves another's index rows behind.
        string Id(int i) => $"seed-{institution}-{i:D6}";
        foreach (var chunk in Enumerable.Range(0, count).GroupBy(i => UserEntity.PartitionOf("demo", Id(i))).SelectMany(p => p.Chunk(30)))
        {
            await users.SubmitTransactionAsync(chunk.SelectMany(i =>
            {
                var user = new UserEntity
                {
                    PartitionKey = UserEntity.PartitionOf("demo", Id(i)),
                    RowKey = Id(i),
                    Issuer = "https://seed.example",
                    Subject = $"seed-{i}",
                    Institution = institution,
                    Country = country,
                    FirstSignInAt = now,
                    LastSignInAt = now,
                    SignInCount = 1,
                    ExpiresAt = now.AddDays(365),
                };
                var index = SearchIndex.Follow(user);
                return index.Prepend(new TableTransactionAction(TableTransactionActionType.UpsertReplace, user));
            }));
        }
    }
}
