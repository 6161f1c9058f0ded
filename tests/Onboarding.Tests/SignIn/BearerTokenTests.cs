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
    [InlineData("Bearer é", "TokenInvalid")]                 // non-ASCII: never forwarded
    [InlineData("Bearer abc\u0000def", "TokenInvalid")]
    [InlineData("Bearer abc=def", "TokenInvalid")]            // '=' only at the end
    [InlineData("Bearer ===", "TokenInvalid")]
    [InlineData("Bearer abc,def", "TokenInvalid")]
    [InlineData("Bearer abc\"def", "TokenInvalid")]
    public void TokenFrom_Refused_WithTheOpenEoCode(string? header, string code)
    {
        var refused = Assert.Throws<OnboardingException>(() => BearerAuthenticator.TokenFrom(Tenant, header));
        Assert.Equal(code, refused.Error.Code);
    }

    [Theory]
    [InlineData("abcXYZ019-._~+/", true)]
    [InlineData("abc==", true)]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", true)]
    [InlineData("ab%cd", false)]
    [InlineData("ab cd", false)]
    [InlineData("абв", false)]                               // Cyrillic look-alikes are not token characters
    [InlineData("", false)]
    public void IsB64Token_Rfc6750(string token, bool valid) => Assert.Equal(valid, BearerAuthenticator.IsB64Token(token));

    [Fact]
    public void TokenFrom_OverTheLengthCap_Refused() =>
        Assert.Equal("TokenInvalid", Assert.Throws<OnboardingException>(() => BearerAuthenticator.TokenFrom(Tenant, "Bearer " + new string('a', 4097))).Error.Code);
}
