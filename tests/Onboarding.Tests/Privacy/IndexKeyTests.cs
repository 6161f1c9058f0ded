using Microsoft.Extensions.Options;
using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.Storage;

namespace Onboarding.Tests.Privacy;

public sealed class IndexKeyTests
{
    private static EmailIndex Index(byte fill) => new(new TableClients(new Azure.Data.Tables.TableServiceClient("UseDevelopmentStorage=true"), ""),
        Options.Create(new PrivacyOptions { HmacSecret = Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray()) }),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<EmailIndex>.Instance);

    [Fact]
    public void EmailKey_SameMailboxHoweverTyped_NeverTheAddressItself()
    {
        var index = Index(1);

        var key = index.KeyOf("Alice@VITO.be ");

        Assert.Equal(key, index.KeyOf("alice@vito.be"));
        Assert.Equal(64, key.Length);
        Assert.DoesNotContain("alice", key, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(key, index.KeyOf("bob@vito.be"));
    }

    [Fact]
    public void EmailKey_DependsOnTheDeploymentSecret() =>
        Assert.NotEqual(Index(1).KeyOf("alice@vito.be"), Index(2).KeyOf("alice@vito.be"));

    [Fact]
    public void ExpiryPartition_IsTenantAndUtcDay_SpreadByKey()
    {
        Assert.Matches("^demo_20270301~[0-9a-f]$", ExpiryIndex.Partition("demo", new DateTimeOffset(2027, 3, 1, 23, 30, 0, TimeSpan.Zero), "u1"));
        Assert.Matches("^demo_20270302~[0-9a-f]$", ExpiryIndex.Partition("demo", new DateTimeOffset(2027, 3, 1, 23, 30, 0, TimeSpan.FromHours(-2)), "u1"));
        Assert.Equal(new DateTimeOffset(2027, 3, 2, 0, 0, 0, TimeSpan.Zero),
            ExpiryIndex.DayOf(ExpiryIndex.Partition("demo", new DateTimeOffset(2027, 3, 2, 5, 0, 0, TimeSpan.Zero), "u1")));
    }
}
