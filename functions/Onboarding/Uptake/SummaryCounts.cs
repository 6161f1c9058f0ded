using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;

namespace Onboarding.Uptake;

/// <summary>
/// A summary row (<see cref="UptakeSummaries"/>) read straight into what a report shows: each
/// value's <see cref="UptakeCounts"/>, its median computed from the histogram as it is read. One
/// pass of a <see cref="Utf8JsonReader"/> over the row's chunks, with no dictionary per value: a
/// month by institution holds thousands of values, and a 12-month report reads 24 such rows.
/// </summary>
/// <remarks>The drain reads the same rows as <see cref="ValueCounts"/> (it adds to them and writes
/// them back); a test holds both readers to the same counts.</remarks>
public static class SummaryCounts
{
    private static readonly byte[] SignUps = Encoding.UTF8.GetBytes(Metrics.SignUps);
    private static readonly byte[] ActiveUsers = Encoding.UTF8.GetBytes(Metrics.ActiveUsers);
    private static readonly byte[] SignIns = Encoding.UTF8.GetBytes(Metrics.SignIns);
    private static readonly byte[] Member = Encoding.UTF8.GetBytes(Metrics.Member);
    private static readonly byte[] PartnersLinked = Encoding.UTF8.GetBytes(Metrics.PartnersLinked);
    private static readonly byte[] Ready = Encoding.UTF8.GetBytes(Metrics.Ready);
    private static readonly byte[] Returned1 = Encoding.UTF8.GetBytes(Metrics.Returned(1));
    private static readonly byte[] Returned3 = Encoding.UTF8.GetBytes(Metrics.Returned(3));
    private static readonly byte[] Returned6 = Encoding.UTF8.GetBytes(Metrics.Returned(6));
    private static readonly byte[] Failed = Encoding.UTF8.GetBytes(Metrics.Failed);

    /// <summary>Every value's counts in the row (none for a row not there), in the row's order.</summary>
    public static List<BreakdownCounts> Read(TableEntity? entity)
    {
        var chunks = new List<string>();
        for (var i = 0; entity is not null && entity.TryGetValue($"D{i}", out var chunk) && chunk is string part; i++)
        {
            chunks.Add(part);
        }

        if (chunks.Count == 0)
        {
            return [];
        }

        var length = chunks.Sum(Encoding.UTF8.GetByteCount);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            foreach (var chunk in chunks)
            {
                written += Encoding.UTF8.GetBytes(chunk, buffer.AsSpan(written));
            }

            return Parse(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static List<BreakdownCounts> Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        var values = new List<BreakdownCounts>();
        var days = new List<(int Days, long People)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var value = reader.GetString()!;
            Expect(ref reader, JsonTokenType.StartObject);
            values.Add(new BreakdownCounts(value, ReadValue(ref reader, days)));
        }

        return values;
    }

    /// <summary>One value's object: <c>m</c> (metric → count) and <c>d</c> (days to ready → people).</summary>
    private static UptakeCounts ReadValue(ref Utf8JsonReader reader, List<(int Days, long People)> days)
    {
        Span<long> m = stackalloc long[10];
        m.Clear();
        days.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetrics = reader.ValueTextEquals("m"u8);
            var isDays = !isMetrics && reader.ValueTextEquals("d"u8);
            if (!isMetrics && !isDays)
            {
                reader.Read();
                reader.Skip(); // a part this version does not read
                continue;
            }

            Expect(ref reader, JsonTokenType.StartObject);

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var slot = isMetrics ? MetricSlot(ref reader) : -1;
                var day = isDays ? DayOf(ref reader) : 0;
                Expect(ref reader, JsonTokenType.Number);
                var count = reader.GetInt64();
                if (slot >= 0)
                {
                    m[slot] += count;
                }
                else if (isDays)
                {
                    days.Add((day, count));
                }
            }
        }

        return new UptakeCounts(m[0], m[1], m[2], m[0], m[3], m[4], m[5], UptakeReports.Median(days), m[6], m[7], m[8], m[9]);
    }

    private static int MetricSlot(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals(SignUps) ? 0
        : reader.ValueTextEquals(ActiveUsers) ? 1
        : reader.ValueTextEquals(SignIns) ? 2
        : reader.ValueTextEquals(Member) ? 3
        : reader.ValueTextEquals(PartnersLinked) ? 4
        : reader.ValueTextEquals(Ready) ? 5
        : reader.ValueTextEquals(Returned1) ? 6
        : reader.ValueTextEquals(Returned3) ? 7
        : reader.ValueTextEquals(Returned6) ? 8
        : reader.ValueTextEquals(Failed) ? 9
        : -1; // a metric this version does not report

    private static int DayOf(ref Utf8JsonReader reader) =>
        !reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out int day, out var used) && used == reader.ValueSpan.Length
            ? day
            : int.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
        {
            throw new JsonException($"An uptake summary row is not as written: {token} expected, {reader.TokenType} found.");
        }
    }
}
