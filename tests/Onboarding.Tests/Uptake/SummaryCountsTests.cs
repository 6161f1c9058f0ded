using Azure.Data.Tables;
using Onboarding.Uptake;

namespace Onboarding.Tests.Uptake;

/// <summary>The report's reader of summary rows against the drain's: the same counts for every value, whatever the row holds.</summary>
public sealed class SummaryCountsTests
{
    private static readonly string[] AllMetrics =
    [
        Metrics.SignUps, Metrics.ActiveUsers, Metrics.SignIns, Metrics.Member, Metrics.PartnersLinked, Metrics.Ready,
        Metrics.Returned(1), Metrics.Returned(3), Metrics.Returned(6), Metrics.Failed,
    ];

    [Fact]
    public void Read_ARowOfThousandsOfValues_OverManyChunks_GivesWhatTheDrainsReaderGives()
    {
        var random = new Random(29);
        var values = new Dictionary<string, ValueCounts>(StringComparer.Ordinal)
        {
            [""] = new(), // the totals' one value
            [UptakeSummaries.Other] = new(),
            ["uni \"quoted\", with a comma"] = new(),
            ["université-de-genève.ch ☃"] = new(),
        };
        for (var i = 0; i < 3_000; i++)
        {
            values[$"inst{i}.example.org"] = new ValueCounts();
        }

        foreach (var counts in values.Values)
        {
            foreach (var metric in AllMetrics.Where(_ => random.NextDouble() < 0.7))
            {
                counts.Add(metric, random.Next(0, 5_000_000));
            }

            for (var k = random.Next(0, 6); k > 0; k--)
            {
                counts.Add(Metrics.DaysToReady(random.Next(0, 400)), random.Next(0, 40));
            }
        }

        var entity = UptakeSummaries.Write("p", Dimensions.Institution, values);
        Assert.True(entity.ContainsKey("D2"), "the row spans several chunks, as a month by institution does");

        var read = SummaryCounts.Read(entity);

        Assert.Equal(values.Keys, read.Select(r => r.Value));
        foreach (var (value, counts) in read)
        {
            Assert.Equal(Expected(UptakeSummaries.Read(entity)[value]), counts);
        }
    }

    [Fact]
    public void Read_NoRow_OrAnEmptyOne_GivesNoValues()
    {
        Assert.Empty(SummaryCounts.Read(null));
        Assert.Empty(SummaryCounts.Read(new TableEntity("p", "s|country")));
        Assert.Empty(SummaryCounts.Read(UptakeSummaries.Write("p", Dimensions.Country, [])));
    }

    [Fact]
    public void Read_AMetricThisVersionDoesNotReport_IsPassedOver()
    {
        var entity = new TableEntity("p", "s|total") { ["D0"] = """{"":{"m":{"signups":4,"nextyear":7,"ready":2},"d":{"3":1,"10":1},"z":[1]}}""" };

        var counts = Assert.Single(SummaryCounts.Read(entity)).Counts;

        Assert.Equal(new UptakeCounts(4, 0, 0, 4, 0, 0, 2, 6.5), counts);
    }

    [Fact]
    public void Read_ARowNotAsWritten_IsRefused() =>
        Assert.Throws<System.Text.Json.JsonException>(() => SummaryCounts.Read(new TableEntity("p", "s|total") { ["D0"] = """{"":{"m":[1,2]}}""" }));

    /// <summary>The report's counts of a value, as they were made from the drain's reader before this one existed.</summary>
    private static UptakeCounts Expected(ValueCounts c)
    {
        long Get(string metric) => c.Metrics.GetValueOrDefault(metric);
        return new UptakeCounts(Get(Metrics.SignUps), Get(Metrics.ActiveUsers), Get(Metrics.SignIns), Get(Metrics.SignUps), Get(Metrics.Member),
            Get(Metrics.PartnersLinked), Get(Metrics.Ready), UptakeReports.Median(c.DaysToReady), Get(Metrics.Returned(1)), Get(Metrics.Returned(3)),
            Get(Metrics.Returned(6)), Get(Metrics.Failed));
    }
}
