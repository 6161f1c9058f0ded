using System.Diagnostics;
using Onboarding.Functions.Telemetry;

namespace Onboarding.Tests.Configuration;

public sealed class TelemetryRedactionTests
{
    [Theory]
    [InlineData("https://x/api/tenants/demo/callback?code=abc&state=def", "https://x/api/tenants/demo/callback")]
    [InlineData("https://onboarding.example.org:8443/api/tenants/demo/callback?state=def&code=abc#frag", "https://onboarding.example.org:8443/api/tenants/demo/callback")]
    [InlineData("https://user:pass@x/api/tenants/demo/login?login_hint=abc", "https://x/api/tenants/demo/login")]
    [InlineData("/api/tenants/demo/callback?code=abc&state=def", "/api/tenants/demo/callback")]
    [InlineData("https://x/api/health", "https://x/api/health")]
    public void Url_IncomingRequest_KeepsThePathOnly(string url, string expected)
    {
        var redacted = TelemetryRedaction.Url(url, keepPath: true);

        Assert.Equal(expected, redacted);
        Assert.DoesNotContain("abc", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("def", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://sso.terrascope.be/auth/admin/realms/terrascope/users?idpAlias=egi&idpUserId=abc", "https://sso.terrascope.be")]
    [InlineData("http://127.0.0.1:10002/devstoreaccount1/users(PartitionKey='demo',RowKey='abc')", "http://127.0.0.1:10002")]
    [InlineData("https://user:pass@st.table.core.windows.net/users?$filter=abc", "https://st.table.core.windows.net")]
    [InlineData("/admin/realms/terrascope/users?idpUserId=abc", "")]
    public void Url_OutgoingCall_KeepsTheOriginOnly(string url, string expected)
    {
        var redacted = TelemetryRedaction.Url(url, keepPath: false);

        Assert.Equal(expected, redacted);
        Assert.DoesNotContain("abc", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Processor_ServerSpan_DropsTheQuery()
    {
        using var activity = Recorded(ActivityKind.Server, new()
        {
            ["url.full"] = "https://x/api/tenants/demo/callback?code=abc&state=def",
            ["url.path"] = "/api/tenants/demo/callback",
            ["url.query"] = "code=abc&state=def",
            ["http.url"] = "https://x/api/tenants/demo/callback?code=abc&state=def",
            ["http.target"] = "/api/tenants/demo/callback?code=abc&state=def",
        });

        new UrlRedactionProcessor().OnEnd(activity);

        Assert.Equal("https://x/api/tenants/demo/callback", activity.GetTagItem("url.full"));
        Assert.Equal("https://x/api/tenants/demo/callback", activity.GetTagItem("http.url"));
        Assert.Equal("/api/tenants/demo/callback", activity.GetTagItem("http.target"));
        Assert.Equal("/api/tenants/demo/callback", activity.GetTagItem("url.path"));
        Assert.Null(activity.GetTagItem("url.query"));
        AssertNothingOf(activity, "abc", "def");
    }

    [Fact]
    public void Processor_ClientSpan_KeepsOnlyTheOrigin()
    {
        using var activity = Recorded(ActivityKind.Client, new()
        {
            ["url.full"] = "https://sso.terrascope.be/auth/admin/realms/terrascope/users?idpAlias=egi&idpUserId=abc",
            ["url.path"] = "/auth/admin/realms/terrascope/users",
            ["http.target"] = "/auth/admin/realms/terrascope/users?idpUserId=abc",
            ["server.address"] = "sso.terrascope.be",
            ["http.request.method"] = "GET",
        });

        new UrlRedactionProcessor().OnEnd(activity);

        Assert.Equal("https://sso.terrascope.be", activity.GetTagItem("url.full"));
        Assert.Null(activity.GetTagItem("url.path"));
        Assert.Null(activity.GetTagItem("http.target"));
        Assert.Equal("sso.terrascope.be", activity.GetTagItem("server.address"));
        Assert.Equal("GET", activity.GetTagItem("http.request.method"));
        AssertNothingOf(activity, "abc", "realms");
    }

    private static void AssertNothingOf(Activity activity, params string[] values) =>
        Assert.All(activity.TagObjects, tag => Assert.All(values, value =>
            Assert.DoesNotContain(value, tag.Value?.ToString() ?? "", StringComparison.Ordinal)));

    // An activity as instrumentation records it: from a source someone listens to, with its tags.
    private static Activity Recorded(ActivityKind kind, Dictionary<string, object?> tags)
    {
        var source = new ActivitySource($"Onboarding.Tests.{Guid.NewGuid():N}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var activity = source.StartActivity("GET", kind)!;
        foreach (var (key, value) in tags)
        {
            activity.SetTag(key, value);
        }

        activity.Stop();
        return activity;
    }
}
