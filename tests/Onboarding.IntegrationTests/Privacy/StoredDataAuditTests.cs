using System.Net;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.LocalHost;
using Onboarding.Storage;

namespace Onboarding.IntegrationTests.Privacy;

/// <summary>
/// Minimal data by construction, checked the hard way: run every flow the service has, then read
/// every table and every log line, and fail on anything outside the allowed schema, and on any
/// token, code, secret or stray email.
/// </summary>
[Collection(DevProviderCollection.Name)]
public sealed class StoredDataAuditTests(DevProviderHost host) : IClassFixture<DevProviderHost>
{
    /// <summary>Every property each table may hold. Anything else fails the test.</summary>
    private static readonly Dictionary<string, string[]> AllowedSchema = new()
    {
        ["users"] = ["Issuer", "Subject", "Email", "EmailVerified", "Institution", "Country", "FirstSignInAt", "LastSignInAt", "SignInCount", "ExpiresAt", "Status", "AliasKey", "WriteId", "Life", "IndexedInstitution",
            "IndexedCountry", "IndexedDay", "Day", // the search index rows carry Institution, Country and the day of the last sign-in
            "Owner", "Payload", "CreatedAt"], // and the outbox rows written with the records
        ["consumedstates"] = ["ConsumedBy", "ExpiresAt"],
        ["subjectaliases"] = ["UserId"],
        ["partnerrechecks"] = ["DueAt", "Until", "Misses"],
        ["emailindex"] = ["UserIds"],
        ["expiries"] = ["EmailKey", "AliasKey", "FirstSignInAt", "RecordExpiresAt", "StaleEmailKey", "StaleAliasKey", "Life"],
        ["audit"] = ["At", "Actor", "ActorRoles", "Action", "TargetUser", "Detail"],
        ["uptake"] = [.. Enumerable.Range(0, 30).Select(i => $"D{i}"), "OutboxPartition", "OutboxRow", "AppliedAt", "From", "BuiltAt", "Top",
            "Tally", "Counted", "Pending", "FlushedAt"], // and the failed sign-ins' shard rows: counts by error code
        ["uptakemarkers"] = ["EventId"],
        ["staffdirectory"] = ["Email", "LastSeenAt", "ExpiresAt", "Roles", "RolesSince"], // staff's work addresses and roles, for the audit log's names and the rights view
        ["jobs"] = ["After", "Done", "Read", "Indexed"], // the search index backfill's checkpoints: a user id and counts
    };

    /// <summary>The demo staff (carol support, olivia operator): the only addresses the staff directory may hold.</summary>
    private static readonly string[] StaffEmails = ["carol@eodc.eu", "olivia@openeo.cloud"];

    private static readonly string[] DemoEmails =
        ["alice@vito.be", "bob@uni-bonn.de", "dave.social@gmail.com", "carol@eodc.eu", "olivia@openeo.cloud"];

    private ServiceHost Service => host.Service;

    [Fact]
    public async Task EveryFlow_StoresOnlyTheAllowedSchema_AndNoSecretsInStorageOrLogs()
    {
        var secrets = new List<string> { TestEnvironment.DemoClientSecret, TestEnvironment.OtherClientSecret, ServiceHost.HmacSecret };
        var partnerSecret = Environment.GetEnvironmentVariable("PARTNER_CLIENT_SECRET");
        if (!string.IsNullOrEmpty(partnerSecret))
        {
            secrets.Add(partnerSecret);
        }

        // Callback sign-ins, with the codes and states they carried.
        foreach (var (tenant, account) in new[] { ("demo", "alice"), ("demo", "bob"), ("demo", "dave"), ("other", "carol") })
        {
            using var browser = new Browser();
            var callback = await browser.CallbackUrlAsync(Service.BaseUrl, tenant, account);
            var query = System.Web.HttpUtility.ParseQueryString(callback.Query);
            secrets.Add(query["code"]!);
            secrets.Add(query["state"]!);
            using var response = await browser.GetAsync(callback);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var replay = await browser.GetAsync(callback);
            Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        }

        // Bearer flows: /me in both forms, the data export, erasure by API.
        var token = await DevTokens.AccessTokenAsync("olivia");
        secrets.Add(token);
        using (var http = new HttpClient())
        {
            foreach (var (method, path, auth) in new[]
            {
                (HttpMethod.Get, "api/tenants/demo/me", $"Bearer {token}"),
                (HttpMethod.Get, "api/tenants/demo/me", $"Bearer oidc/egi/{token}"),
                (HttpMethod.Get, "api/tenants/demo/me/data", $"Bearer {token}"),
                (HttpMethod.Get, "api/tenants/demo/me", "Bearer not-a-token"),
            })
            {
                using var request = new HttpRequestMessage(method, new Uri(Service.BaseUrl, path));
                request.Headers.TryAddWithoutValidation("Authorization", auth);
                using var _ = await http.SendAsync(request);
            }

            var daveToken = await DevTokens.AccessTokenAsync("dave");
            secrets.Add(daveToken);
            using var erase = new HttpRequestMessage(HttpMethod.Delete, new Uri(Service.BaseUrl, "api/tenants/demo/me"));
            erase.Headers.TryAddWithoutValidation("Authorization", $"Bearer {daveToken}");
            Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(erase)).StatusCode);

            // Staff at work: carol looks bob up, olivia reads the audit log (both land in the staff directory).
            var carolToken = await DevTokens.AccessTokenAsync("carol");
            secrets.Add(carolToken);
            foreach (var (path, staffToken) in new[] { ("api/tenants/demo/support/users?email=bob@uni-bonn.de", carolToken), ("api/tenants/demo/support/audit", token) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Service.BaseUrl, path));
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {staffToken}");
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
            }
        }

        // Browser self-service: the data page through the session cookie.
        using (var browser = new Browser("text/html"))
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync(Service.BaseUrl, "demo", "carol")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(Service.BaseUrl, "api/tenants/demo/me/data"))).StatusCode);
            secrets.AddRange(browser.Cookies.GetAllCookies().Where(c => c.Name.StartsWith("onboarding-session-", StringComparison.Ordinal)).Select(c => c.Value));
        }

        // Every timer.
        var scheduler = Service.Services.GetRequiredService<TimerFunctionScheduler>();
        foreach (var (function, _) in scheduler.Schedules)
        {
            await scheduler.InvokeAsync(function, TestContext.Current.CancellationToken);
        }

        await AssertStorageHoldsOnlyTheAllowedSchema(secrets);
        AssertLogsHoldNothingPersonalOrSecret(secrets);
    }

    private async Task AssertStorageHoldsOnlyTheAllowedSchema(List<string> secrets)
    {
        var names = Service.Services.GetRequiredService<TableClients>().AllNames.ToList();
        Assert.Equal(AllowedSchema.Keys.Order(), names.Select(n => n[Service.TablePrefix.Length..]).Order());
        var seen = 0;
        foreach (var name in names)
        {
            var allowed = AllowedSchema[name[Service.TablePrefix.Length..]].Concat(["PartitionKey", "RowKey", "Timestamp", "odata.etag"]).ToHashSet();
            try
            {
                await foreach (var entity in new TableServiceClient(TestEnvironment.StorageConnectionString).GetTableClient(name)
                    .QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
                {
                    seen++;
                    Assert.All(entity.Keys, key => Assert.True(allowed.Contains(key), $"{name} holds a property outside its schema: {key}"));
                    Assert.DoesNotContain("@", entity.PartitionKey + entity.RowKey, StringComparison.Ordinal);
                    foreach (var (key, value) in entity)
                    {
                        var text = value?.ToString() ?? "";
                        Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
                        Assert.DoesNotMatch(new Regex(@"eyJ[\w-]+\.eyJ[\w-]+"), text);
                        if (name.EndsWith("staffdirectory", StringComparison.Ordinal) && key == "Email")
                        {
                            Assert.Contains(text, StaffEmails); // a staff member's, never a person's
                        }
                        else if (!(name.EndsWith("users", StringComparison.Ordinal) && key == "Email"))
                        {
                            Assert.All(DemoEmails, email => Assert.DoesNotContain(email, text, StringComparison.OrdinalIgnoreCase));
                        }
                    }
                }
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                // a table no flow needed yet
            }
        }

        Assert.True(seen > 10, "the flows should have stored something to check");
    }

    private void AssertLogsHoldNothingPersonalOrSecret(List<string> secrets)
    {
        var logs = Service.Logs.All;
        Assert.Contains("Sign-in recorded: tenant demo", logs, StringComparison.Ordinal);
        Assert.Contains("via bearer", logs, StringComparison.Ordinal);
        Assert.All(DemoEmails, email => Assert.DoesNotContain(email, logs, StringComparison.OrdinalIgnoreCase));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, logs, StringComparison.Ordinal));
        Assert.DoesNotMatch(new Regex(@"eyJ[\w-]+\.eyJ[\w-]+"), logs);
    }
}
