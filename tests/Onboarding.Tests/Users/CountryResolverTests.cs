using Onboarding.Common;
using Onboarding.Users;

namespace Onboarding.Tests.Users;

public sealed class CountryResolverTests
{
    private static readonly Dictionary<string, string> TenantMap = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eodc.eu"] = "AT",
        ["esa.int"] = "FR",
        ["eumetsat.int"] = "DE",
    };

    /// <summary>The rules as a table: claim, tenant map, .edu, generic-use ccTLDs, ccTLDs, unknown.</summary>
    [Theory]
    [InlineData(null, "vito.be", "BE")]
    [InlineData(null, "uni-bonn.de", "DE")]
    [InlineData(null, "ox.ac.uk", "GB")]
    [InlineData(null, "mit.edu", "US")]
    [InlineData(null, "physics.berkeley.edu", "US")]
    [InlineData(null, "europa.eu", null)]
    [InlineData(null, "eodc.com", null)]
    [InlineData(null, "eo-lab.org", null)]
    [InlineData(null, "startup.io", null)]
    [InlineData(null, "lab.ai", null)]
    [InlineData(null, "company.co", null)]
    [InlineData(null, "name.me", null)]
    [InlineData(null, "channel.tv", null)]
    [InlineData(null, "radio.fm", null)]
    [InlineData(null, "old.su", null)]
    [InlineData(null, "example.zz", null)]
    [InlineData(null, "localhost", null)]
    [InlineData(null, "", null)]
    [InlineData(null, null, null)]
    [InlineData("it", "vito.be", "IT")]
    [InlineData("Italy", "vito.be", "BE")]
    [InlineData("EU", "vito.be", "BE")]
    [InlineData("ZZ", null, null)]
    public void Resolve_ClaimThenDomainRules(string? claim, string? domain, string? expected) =>
        Assert.Equal(expected, CountryResolver.Resolve(claim, domain));

    [Theory]
    [InlineData("eodc.eu", "AT")]
    [InlineData("cloud.eodc.eu", "AT")]
    [InlineData("EODC.EU", "AT")]
    [InlineData("esa.int", "FR")]
    [InlineData("other.eu", null)]
    [InlineData("eodc.eu.example.com", null)]
    [InlineData("noteodc.eu", null)]
    [InlineData("uni-bonn.de", "DE")]
    public void Resolve_TenantMapNamesTheDomainsTheirTldDoesNot(string domain, string? expected) =>
        Assert.Equal(expected, CountryResolver.Resolve(null, domain, TenantMap));

    [Fact]
    public void Resolve_ClaimStillWinsOverTheTenantMap() =>
        Assert.Equal("BE", CountryResolver.Resolve("be", "eodc.eu", TenantMap));

    [Theory]
    [InlineData("DE", "Germany")]
    [InlineData("gb", "United Kingdom")]
    [InlineData("US", "United States")]
    [InlineData("XK", "Kosovo")]
    [InlineData("EU", "EU")]
    [InlineData("??", "??")]
    public void Countries_NamesFromCldr(string code, string expected) => Assert.Equal(expected, Countries.NameOf(code));
}
