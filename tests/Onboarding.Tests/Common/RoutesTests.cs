using Onboarding.Common;

namespace Onboarding.Tests.Common;

public class RoutesTests
{
    [Fact]
    public void Prefix_IsTheShippedHostJsons()
    {
        Assert.Equal("/" + Routes.RoutePrefix(Path.Combine(RepoRoot.Path, "host.json")), Routes.Prefix);
        Assert.Equal(Routes.Prefix + "/tenants/demo/login", Routes.Login("demo"));
    }

    [Theory]
    [InlineData(null, "api")]
    [InlineData("""{ "version": "2.0" }""", "api")]
    [InlineData("""{ "extensions": { "http": { "routePrefix": "" } } }""", "")]
    [InlineData("""{ "extensions": { "http": { "routePrefix": "/v1/" } } }""", "v1")]
    public void RoutePrefix_AsAzureReadsIt(string? hostJson, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        if (hostJson is not null)
        {
            File.WriteAllText(path, hostJson);
        }

        try
        {
            Assert.Equal(expected, Routes.RoutePrefix(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("/api/tenants/demo/me", "demo", "me")]
    [InlineData("/api/tenants/a%20b/me/data/", "a b", "me/data")]
    [InlineData("/api/tenants/", null, null)]
    [InlineData("/other/tenants/demo", null, null)]
    public void TenantPaths_AreReadBack(string path, string? tenant, string? rest)
    {
        Assert.Equal(tenant, Routes.TenantOf(path));
        Assert.Equal(rest, Routes.TenantPathOf(path));
    }
}
