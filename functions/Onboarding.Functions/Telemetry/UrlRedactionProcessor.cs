using System.Diagnostics;
using OpenTelemetry;

namespace Onboarding.Functions.Telemetry;

/// <summary>
/// Rewrites the URL attributes of every span before it is exported (both the current and the older
/// HTTP semantic conventions), whichever instrumentation set them: see <see cref="TelemetryRedaction"/>.
/// </summary>
public sealed class UrlRedactionProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        var keepPath = data.Kind != ActivityKind.Client;
        data.SetTag("url.query", null);
        Redact(data, "url.full", keepPath);
        Redact(data, "http.url", keepPath);
        Redact(data, "http.target", keepPath);
        if (!keepPath)
        {
            data.SetTag("url.path", null);
        }
    }

    private static void Redact(Activity activity, string tag, bool keepPath)
    {
        if (activity.GetTagItem(tag)?.ToString() is { } url)
        {
            var redacted = TelemetryRedaction.Url(url, keepPath);
            activity.SetTag(tag, redacted.Length > 0 ? redacted : null);
        }
    }
}
