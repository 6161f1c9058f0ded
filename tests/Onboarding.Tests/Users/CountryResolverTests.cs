using Onboarding.Users;

namespace Onboarding.Tests.Users;

public sealed class CountryResolverTests
{
    [Theory]
    [InlineData(null, "vito.be", "BE")]
    [InlineData(null, "uni-bonn.de", "DE")]
    [InlineData(null, "ox.ac.uk", "GB")]
    [InlineData(null, "europa.eu", null)]
    [InlineData(null, "eodc.com", null)]
    [InlineData(null, null, null)]
    [InlineData("it", "vito.be", "IT")]
    [InlineData("Italy", "vito.be", "BE")]
    public void Resolve_ClaimThenCountryCodeDomainThenUnknown(string? claim, string? domain, string? expected) =>
        Assert.Equal(expected, CountryResolver.Resolve(claim, domain));
}
