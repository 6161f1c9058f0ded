using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Privacy;
using Onboarding.SignIn;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.IntegrationTests.Hardening;

/// <summary>One address shared by many identities never breaks sign-in: the index row is bounded by design.</summary>
public sealed class EmailIndexBoundTests : TestProviderTests
{
    [Fact]
    public async Task MoreIdentitiesThanTheRowHolds_AllSignedIn_TheRowStaysBounded()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = Service.Services.GetRequiredService<TenantCatalog>().Get("rp");
        var recorder = Service.Services.GetRequiredService<SignInRecorder>();
        var count = EmailIndex.MaxUsersPerEmail + 5;

        // One after another: concurrent first sign-ins still collide on the tenant-wide uptake counters
        // (the scale issue); this test is about the index row's bound.
        for (var i = 0; i < count; i++)
        {
            var claims = JsonSerializer.SerializeToElement(new { sub = $"shared-{i}", email = "lab@shared.example.org" });
            await recorder.RecordAsync(tenant, ProfileMapper.Map(tenant, claims)!, claims, SignInChannel.Callback, ct);
        }

        Assert.Equal(count, (await Service.UsersAsync("rp")).Count);
        var row = Assert.Single(await ReadAsync(Service.Table("emailindex"), ct));
        Assert.Equal(EmailIndex.MaxUsersPerEmail, row.GetString("UserIds").Split(' ').Length);
        Assert.Contains("already lists 200 identities", Service.Logs.All, StringComparison.Ordinal);
    }

    private static async Task<List<TableEntity>> ReadAsync(TableClient table, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            rows.Add(row);
        }

        return rows;
    }
}
