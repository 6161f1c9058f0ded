using System.Net.Http.Json;
using System.Text.Json;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>The development partner service's test hooks, and the demo accounts' fixed identities.</summary>
public static class DevPartner
{
    private static readonly JsonElement Accounts = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(RepoRoot(), "dev", "idp", "accounts.json"))).RootElement.GetProperty("accounts");

    public static string VopersonId(string account, string realm = "demo") =>
        Accounts.GetProperty(account).GetProperty("realms").GetProperty(realm).GetProperty("voperson_id").GetString()!;

    public static async Task SetLinkedAsync(string account, bool linked)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{TestEnvironment.PartnerBaseUrl}/dev/links",
            new { idpUserId = VopersonId(account), linked });
        response.EnsureSuccessStatusCode();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Onboarding.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
