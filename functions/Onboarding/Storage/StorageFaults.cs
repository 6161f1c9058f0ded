namespace Onboarding.Storage;

/// <summary>
/// What counts as a fault of Table storage (as opposed to a bug): its own error answers, and the
/// aggregate the SDK throws after its last retry — refused connections, time-outs, answers cut off
/// mid-body. Callers answer 503 for it, or skip the one item and go on.
/// </summary>
public static class StorageFaults
{
    /// <summary>The status and error code to log, or null when the exception is not a storage fault.</summary>
    public static (int Status, string Code)? Describe(Exception e) => e switch
    {
        Azure.RequestFailedException storage => (storage.Status, storage.ErrorCode ?? "none"),
        AggregateException aggregate when aggregate.Flatten().InnerExceptions is var inner
            && inner.Count > 0 && inner.All(IsTransport) && inner.Any(i => i is not (IOException or HttpRequestException)) =>
            inner.OfType<Azure.RequestFailedException>().Select(r => (r.Status, r.ErrorCode ?? "none")).FirstOrDefault((0, "timeout")),
        _ => null,
    };

    public static bool Is(Exception e) => Describe(e) is not null;

    private static bool IsTransport(Exception e) =>
        e is Azure.RequestFailedException or TaskCanceledException or TimeoutException or IOException or HttpRequestException;
}
