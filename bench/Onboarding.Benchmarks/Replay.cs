using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Onboarding.Common;
using Onboarding.SignIn;

namespace Onboarding.Benchmarks;

/// <summary>How long a replay took, in total and by kind of call.</summary>
internal sealed record ReplayTimes(TimeSpan Total, TimeSpan Storage, TimeSpan Provider, int StorageCalls);

/// <summary>
/// The "raw" side of figure 1: the calls one callback made, made again one after another from a bare
/// client, with none of the service's work between them. A second login started at the service gives a
/// live attempt (its state, and the PKCE verifier unsealed from it) and a fresh code from the provider,
/// so the state's consumption, the code exchange and userinfo are the real thing, not a rerun of a
/// used code; the other storage requests are those the service sent, read from its pipeline (method,
/// table, keys, body; a transaction's operations from its multipart body) and sent again through the SDK
/// to the same entities (a conditional write becomes an unconditional one of the same body, an insert
/// an upsert of the same row, since the row is there now).
/// </summary>
internal static partial class Replay
{
    /// <summary>A second sign-in's callback, not called: what the raw replay consumes instead.</summary>
    internal sealed record LiveAttempt(string Partition, string Row, string Code, string Verifier);

    public static async Task<LiveAttempt> PrepareAsync(BenchHost host, string account)
    {
        var callback = await new Browser().CallbackUrlAsync(host, account);
        var state = DevProvider.Query(callback, "state")!;
        var code = DevProvider.Query(callback, "code")!;
        var row = Secrets.Sha256(state);
        var partition = ConsumedStates.PartitionOf(BenchHost.Tenant, row);
        var attempt = host.Get<SealedAttempts>().Unseal(BenchHost.Tenant, state)
            ?? throw new InvalidOperationException("the service's own state did not unseal");
        return new LiveAttempt(partition, row, code, attempt.CodeVerifier);
    }

    public static async Task<ReplayTimes> RunAsync(BenchHost host, BenchEnvironment env, LiveAttempt live, IEnumerable<StorageCall> captured)
    {
        var storage = TimeSpan.Zero;
        var provider = TimeSpan.Zero;
        var calls = 0;
        var total = Stopwatch.GetTimestamp();

        // The state marked used with a conditional insert (as the callback does).
        var consumed = host.Table("consumedstates");
        var t = Stopwatch.GetTimestamp();
        await consumed.AddEntityAsync(new TableEntity(live.Partition, live.Row) { ["ConsumedBy"] = "raw", ["ExpiresAt"] = DateTimeOffset.UtcNow.AddMinutes(10) });
        storage += Stopwatch.GetElapsedTime(t);
        calls += 1;

        // The provider: code exchange (client_secret_basic, PKCE), then userinfo.
        t = Stopwatch.GetTimestamp();
        using var exchange = new HttpRequestMessage(HttpMethod.Post, $"{env.Issuer}/protocol/openid-connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = live.Code,
                ["redirect_uri"] = host.CallbackUrl.AbsoluteUri,
                ["code_verifier"] = live.Verifier,
            }),
        };
        exchange.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString("onboarding-demo")}:{Uri.EscapeDataString(env.DemoSecret)}")));
        using var tokens = await Http.Client.SendAsync(exchange);
        var tokenBody = await tokens.Content.ReadAsStringAsync();
        if (!tokens.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"raw code exchange: {(int)tokens.StatusCode} {tokenBody}");
        }

        using var tokenJson = JsonDocument.Parse(tokenBody);
        using var userinfo = new HttpRequestMessage(HttpMethod.Get, $"{env.Issuer}/protocol/openid-connect/userinfo");
        userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenJson.RootElement.GetProperty("access_token").GetString());
        using var claims = await Http.Client.SendAsync(userinfo);
        _ = await claims.Content.ReadAsStringAsync();
        provider += Stopwatch.GetElapsedTime(t);

        // Everything else the callback sent to storage, in the order it was sent.
        foreach (var call in captured.Where(c => c.Table != "consumedstates"))
        {
            t = Stopwatch.GetTimestamp();
            await SendAsync(host, call);
            storage += Stopwatch.GetElapsedTime(t);
            calls++;
        }

        return new ReplayTimes(Stopwatch.GetElapsedTime(total), storage, provider, calls);
    }

    private static async Task SendAsync(BenchHost host, StorageCall call)
    {
        var table = host.Table(call.Table);
        switch (call.Operation)
        {
            case "get":
                var (pk, rk) = KeysOf(call.Uri.AbsolutePath);
                await table.GetEntityIfExistsAsync<TableEntity>(pk, rk);
                break;
            case "delete":
                (pk, rk) = KeysOf(call.Uri.AbsolutePath);
                await table.DeleteEntityAsync(pk, rk, ETag.All);
                break;
            case "put" or "insert":
                await table.UpsertEntityAsync(EntityOf(call.Body!), TableUpdateMode.Replace);
                break;
            case "merge":
                await table.UpsertEntityAsync(EntityOf(call.Body!), TableUpdateMode.Merge);
                break;
            case "query":
                var query = System.Web.HttpUtility.ParseQueryString(call.Uri.Query);
                var top = int.TryParse(query["$top"], CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
                await foreach (var page in table.QueryAsync<TableEntity>(query["$filter"], top, query["$select"]?.Split(',')).AsPages())
                {
                    break; // one request: the first page
                }

                break;
            case "batch":
                await table.SubmitTransactionAsync(ActionsOf(call.Body!));
                break;
            default:
                throw new InvalidOperationException($"cannot replay {call.Key}");
        }
    }

    /// <summary>The operations of a transaction's multipart body, each as the same change to the same row.</summary>
    private static List<TableTransactionAction> ActionsOf(string body)
    {
        var actions = new List<TableTransactionAction>();
        var lines = body.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var request = StorageMeter.SubRequest().Match(lines[i]);
            if (!request.Success)
            {
                continue;
            }

            var method = request.Groups["method"].Value;
            if (method == "DELETE")
            {
                var (pk, rk) = KeysOf(lines[i].Split(' ')[1]);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk), ETag.All));
                continue;
            }

            var json = lines.Skip(i + 1).SkipWhile(l => !l.StartsWith('{')).FirstOrDefault()
                ?? throw new InvalidOperationException("a transaction operation without a body");
            actions.Add(new TableTransactionAction(
                method is "MERGE" or "PATCH" ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace, EntityOf(json)));
        }

        return actions;
    }

    /// <summary>An OData JSON entity body as a <see cref="TableEntity"/> with the same properties and types.</summary>
    private static TableEntity EntityOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        var entity = new TableEntity();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name.EndsWith("@odata.type", StringComparison.Ordinal) || property.Name.StartsWith("odata.", StringComparison.Ordinal))
            {
                continue;
            }

            var type = document.RootElement.TryGetProperty(property.Name + "@odata.type", out var t) ? t.GetString() : null;
            entity[property.Name] = (type, property.Value.ValueKind) switch
            {
                ("Edm.DateTime", _) => DateTimeOffset.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture),
                ("Edm.Int64", _) => long.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture),
                ("Edm.Guid", _) => Guid.Parse(property.Value.GetString()!),
                ("Edm.Binary", _) => Convert.FromBase64String(property.Value.GetString()!),
                (_, JsonValueKind.String) => property.Value.GetString(),
                (_, JsonValueKind.Number) when property.Value.TryGetInt32(out var i) => i,
                (_, JsonValueKind.Number) => property.Value.GetDouble(),
                (_, JsonValueKind.True) => true,
                (_, JsonValueKind.False) => false,
                _ => null,
            };
        }

        return entity;
    }

    private static (string Partition, string Row) KeysOf(string path)
    {
        var match = Keys().Match(Uri.UnescapeDataString(path));
        return match.Success
            ? (match.Groups["pk"].Value.Replace("''", "'", StringComparison.Ordinal), match.Groups["rk"].Value.Replace("''", "'", StringComparison.Ordinal))
            : throw new InvalidOperationException("no keys in " + path);
    }

    [GeneratedRegex(@"PartitionKey='(?<pk>(?:[^']|'')*)',RowKey='(?<rk>(?:[^']|'')*)'")]
    private static partial Regex Keys();
}
