using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Onboarding.Functions.Http;
using Onboarding.SignIn;
using Onboarding.Tenants;

namespace Onboarding.Tests.Http;

/// <summary>
/// The Content-Security-Policy's <c>form-action</c>: Chromium applies it to every redirect after a form
/// is sent, so it must allow where sign-out's 303 goes (the provider's end_session endpoint).
/// </summary>
public sealed class ResponseHeadersTests
{
    [Fact]
    public void FormAction_TheServiceAndTheIssuersOrigin()
    {
        var csp = Csp(TenantFactory.Create("demo"), "/api/tenants/demo/staff");

        Assert.Contains("form-action 'self' https://aai.egi.eu;", csp, StringComparison.Ordinal);
    }

    [Fact]
    public void FormAction_AlsoTheTrustedEndpointHosts_WhereEndSessionMayLive()
    {
        var tenant = WithTrusted(TenantFactory.Create("demo"), "https://logout.example.org/oidc", "https://aai.egi.eu/other", "https://keys.example.org:8443");

        var csp = Csp(tenant, "/api/tenants/demo/me");

        Assert.Contains("form-action 'self' https://aai.egi.eu https://logout.example.org https://keys.example.org:8443;", csp, StringComparison.Ordinal);
    }

    [Fact]
    public void FormAction_NoTenant_OnlyTheService() =>
        Assert.Contains("form-action 'self';", Csp(TenantFactory.Create("demo"), "/api/health"), StringComparison.Ordinal);

    [Fact]
    public void FormAction_OfEachTenantOnItsOwnPaths()
    {
        var other = WithTrusted(TenantFactory.Create("other"), "https://logout.example.org");
        var headers = Headers(TenantFactory.Create("demo"), other);

        Assert.DoesNotContain("logout.example.org", Csp(headers, "/api/tenants/demo/me"), StringComparison.Ordinal);
        Assert.Contains("logout.example.org", Csp(headers, "/api/tenants/other/me"), StringComparison.Ordinal);
    }

    private static Tenant WithTrusted(Tenant tenant, params string[] trusted) => new()
    {
        Id = tenant.Id,
        DisplayName = tenant.DisplayName,
        Issuer = tenant.Issuer,
        ClientId = tenant.ClientId,
        ClientSecret = tenant.ClientSecret,
        Scopes = tenant.Scopes,
        AllowedReturnOrigins = tenant.AllowedReturnOrigins,
        UserKeyClaim = tenant.UserKeyClaim,
        Membership = tenant.Membership,
        TrustedEndpointBaseAddresses = trusted,
    };

    private static ResponseHeaders Headers(params Tenant[] tenants) =>
        new(new TenantCatalog(tenants), Options.Create(new SignInOptions { PublicBaseUrl = new Uri("https://onboarding.example.org"), TenantsFile = "x" }));

    private static string Csp(Tenant tenant, string path) => Csp(Headers(tenant), path);

    private static string Csp(ResponseHeaders headers, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        headers.Apply(context.Request);
        return context.Response.Headers.ContentSecurityPolicy.ToString();
    }
}
