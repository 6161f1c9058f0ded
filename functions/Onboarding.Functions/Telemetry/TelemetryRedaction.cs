namespace Onboarding.Functions.Telemetry;

/// <summary>
/// What telemetry may keep of a URL. The query goes always: the callback's carries the
/// authorization <c>code</c> and <c>state</c>, a partner query the person's identity. Outgoing calls
/// keep only their origin, since paths name table entities (user ids) and partner resources.
/// </summary>
public static class TelemetryRedaction
{
    /// <param name="url">An absolute URL, or a path with a query (<c>http.target</c>).</param>
    /// <param name="keepPath">False for outgoing calls: scheme, host and port only.</param>
    public static string Url(string url, bool keepPath)
    {
        // A path ("/api/...") has no origin to keep; Uri would read it as a file name on Unix.
        if (url.StartsWith('/') || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return keepPath ? url[..EndOfPath(url)] : "";
        }

        // SchemeAndServer leaves out any user:password@ as well.
        return uri.GetComponents(
            keepPath ? UriComponents.SchemeAndServer | UriComponents.Path : UriComponents.SchemeAndServer,
            UriFormat.UriEscaped);
    }

    private static int EndOfPath(string url) => url.IndexOfAny(['?', '#']) is var end and >= 0 ? end : url.Length;
}
