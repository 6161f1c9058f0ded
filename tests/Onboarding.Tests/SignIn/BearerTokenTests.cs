using Onboarding.Common;
using Onboarding.SignIn;

namespace Onboarding.Tests.SignIn;

public sealed class BearerTokenTests
{
    private static readonly Onboarding.Tenants.Tenant Tenant = TenantFactory.Create();

    [Theory]
    [InlineData("Bearer abc.def", "abc.def")]
    [InlineData("bearer abc", "abc")]
    [InlineData("Bearer oidc/egi/abc.def", "abc.def")]
    [InlineData("Bearer oidc/egi/a/b", "a/b")]
    public void TokenFrom_BothForms(string header, string token) => Assert.Equal(token, BearerAuthenticator.TokenFrom(Tenant, header));

    [Theory]
    [InlineData(null, "AuthenticationRequired")]
    [InlineData("", "AuthenticationRequired")]
    [InlineData("Basic dXNlcjpwdw==", "AuthenticationSchemeInvalid")]
    [InlineData("Bearer basic//abc", "AuthenticationSchemeInvalid")]
    [InlineData("Bearer oidc/other-provider/abc", "TokenInvalid")]
    [InlineData("Bearer oidc/egi", "TokenInvalid")]
    [InlineData("Bearer ", "TokenInvalid")]
    [InlineData("Bearer a b", "TokenInvalid")]
    public void TokenFrom_Refused_WithTheOpenEoCode(string? header, string code)
    {
        var refused = Assert.Throws<OnboardingException>(() => BearerAuthenticator.TokenFrom(Tenant, header));
        Assert.Equal(code, refused.Error.Code);
    }
}
