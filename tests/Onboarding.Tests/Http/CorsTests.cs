using Microsoft.AspNetCore.Http;
using Onboarding.Functions.Http;

namespace Onboarding.Tests.Http;

/// <summary>CORS answers differ by Origin, so <c>Vary: Origin</c>, added to whatever Vary already says.</summary>
public sealed class CorsTests
{
    private static readonly Onboarding.Tenants.Tenant Tenant = TenantFactory.Create("demo", origins: ["https://editor.openeo.cloud"]);

    private static DefaultHttpContext Request(string path, string? origin = "https://editor.openeo.cloud")
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        return context;
    }

    [Fact]
    public void VarySaysOrigin()
    {
        var context = Request("/api/tenants/demo/me");

        Cors.Apply(context.Request, Tenant);

        Assert.Equal("Origin", context.Response.Headers.Vary.ToString());
        Assert.Equal("https://editor.openeo.cloud", context.Response.Headers.AccessControlAllowOrigin.ToString());
    }

    [Fact]
    public void AnExistingVary_IsKept_OriginAdded()
    {
        var context = Request("/api/tenants/demo/me");
        context.Response.Headers.Vary = "Accept, Accept-Encoding";

        Cors.Apply(context.Request, Tenant);

        Assert.Equal(["Accept, Accept-Encoding", "Origin"], context.Response.Headers.Vary.ToArray());
    }

    [Theory]
    [InlineData("Origin")]
    [InlineData("accept, origin")]
    public void OriginAlreadyNamed_NotTwice(string vary)
    {
        var context = Request("/api/tenants/demo/staff", origin: null);
        context.Response.Headers.Vary = vary;

        Cors.Apply(context.Request, Tenant);

        Assert.Equal(vary, context.Response.Headers.Vary.ToString());
    }
}
