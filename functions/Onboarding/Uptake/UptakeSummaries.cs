using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace Onboarding.Uptake;

/// <summary>One breakdown value's counts in a month: the six metrics and the days-to-ready histogram.</summary>
public sealed class ValueCounts
{
    [JsonPropertyName("m")]
    public Dictionary<string, long> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Whole days from sign-up to ready → people, for an exact median.</summary>
    [JsonPropertyName("d")]
    public Dictionary<int, long> DaysToReady { get; init; } = [];

    public void Add(string metric, long by)
    {
        if (metric.StartsWith("days", StringComparison.Ordinal) && int.TryParse(metric.AsSpan(4), out var days))
        {
            DaysToReady[days] = DaysToReady.GetValueOrDefault(days) + by;
        }
        else
        {
            Metrics[metric] = Metrics.GetValueOrDefault(metric) + by;
        }
    }
}

/// <summary>
/// One month's counts under one dimension (partition = tenant and month, row = <c>s|{dimension}</c>):
/// every value's counts in one entity, so a report reads a month's totals, or a month's countries,
/// with one point read whatever the number of users or values. The JSON is split over properties
/// <c>D0</c>… of at most 30,000 characters (Table storage: 64 KiB a property, 1 MiB an entity).
/// </summary>
public static class UptakeSummaries
{
    /// <summary>Values a dimension keeps apart in a month; past it, new values count under "other" (the total stays exact).</summary>
    public const int MaxValues = 5_000;

    public const string Other = "other";

    private const int ChunkChars = 30_000;
    private const int MaxChunks = 30;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Row(string dimension) => $"s|{dimension}";

    public static Dictionary<string, ValueCounts> Read(TableEntity? entity)
    {
        if (entity is null)
        {
            return new(StringComparer.Ordinal);
        }

        var text = new StringBuilder();
        for (var i = 0; i < MaxChunks && entity.TryGetValue($"D{i}", out var chunk) && chunk is string part; i++)
        {
            text.Append(part);
        }

        return text.Length == 0
            ? new(StringComparer.Ordinal)
            : new(JsonSerializer.Deserialize<Dictionary<string, ValueCounts>>(text.ToString(), Json) ?? [], StringComparer.Ordinal);
    }

    public static TableEntity Write(string partition, string dimension, Dictionary<string, ValueCounts> values)
    {
        var json = JsonSerializer.Serialize(values, Json);
        var entity = new TableEntity(partition, Row(dimension));
        for (var i = 0; i * ChunkChars < json.Length; i++)
        {
            entity[$"D{i}"] = json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - i * ChunkChars));
        }

        return entity;
    }

    /// <summary>The value a count goes under: itself while the dimension has room, else <see cref="Other"/>.</summary>
    public static string Slot(Dictionary<string, ValueCounts> values, string value) =>
        values.ContainsKey(value) || values.Count < MaxValues ? value : Other;

    /// <summary>The counts of a value, added when it has none yet.</summary>
    public static ValueCounts Counts(Dictionary<string, ValueCounts> values, string value)
    {
        if (!values.TryGetValue(value, out var counts))
        {
            values[value] = counts = new ValueCounts();
        }

        return counts;
    }

    /// <summary>The summary rows written back under the ETags they were read with (added when there was none).</summary>
    public static List<TableTransactionAction> Actions(string partition,
        Dictionary<string, (TableEntity? Stored, Dictionary<string, ValueCounts> Values)> summaries) =>
        summaries.Select(s => s.Value.Stored is { } stored
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, Write(partition, s.Key, s.Value.Values), stored.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, Write(partition, s.Key, s.Value.Values))).ToList();

    /// <summary>A month's summary rows of these dimensions, point reads side by side, with the ETags to write them back under.</summary>
    public static async Task<Dictionary<string, (TableEntity? Stored, Dictionary<string, ValueCounts> Values)>> ReadAsync(
        TableClient table, string partition, IReadOnlyList<string> dimensions, CancellationToken cancellationToken)
    {
        var read = await Task.WhenAll(dimensions.Select(async dimension =>
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, UptakeSummaries.Row(dimension), cancellationToken: cancellationToken);
            var stored = found.HasValue ? found.Value : null;
            return (dimension, stored, values: Read(stored));
        }));
        return read.ToDictionary(r => r.dimension, r => (r.stored, r.values), StringComparer.Ordinal);
    }
}
