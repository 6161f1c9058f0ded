using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.Tests.Tenants;

public sealed class ReturnToPolicyTests
{
    private static readonly Tenant Tenant = TenantFactory.Create(origins: ["https://editor.openeo.cloud", "http://127.0.0.1:7071"]);

    [Theory]
    [InlineData("https://editor.openeo.cloud/")]
    [InlineData("https://editor.openeo.cloud/jobs?x=1#top")]
    [InlineData("https://EDITOR.openeo.cloud/path")]
    [InlineData("http://127.0.0.1:7071/api/tenants/demo/me")]
    public void Check_AllowedOrigin_ReturnsTheAddress(string returnTo) =>
        Assert.NotNull(ReturnToPolicy.Check(Tenant, returnTo));

    [Fact]
    public void Check_Missing_ReturnsNull() => Assert.Null(ReturnToPolicy.Check(Tenant, null));

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://editor.openeo.cloud.evil.example/")]
    [InlineData("https://editor.openeo.cloud@evil.example/")]
    [InlineData("https://user:pw@editor.openeo.cloud/")]
    [InlineData("//evil.example/")]
    [InlineData("/relative/path")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("http://editor.openeo.cloud/")]
    [InlineData("https://editor.openeo.cloud:8443/")]
    [InlineData("http://127.0.0.1:7072/")]
    [InlineData("https://editor.openeo.cloud\\@evil.example/")]
    public void Check_AnyOtherAddress_RefusedWithReturnToNotAllowed(string returnTo)
    {
        var refused = Assert.Throws<OnboardingException>(() => ReturnToPolicy.Check(Tenant, returnTo));
        Assert.Equal(ApiError.ReturnToNotAllowed, refused.Error);
    }
}
