namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>Counts the requests that really leave the service through one named HTTP client (after its resilience pipeline).</summary>
public sealed class CountingHandler : DelegatingHandler
{
    private int _count;

    public int Count => _count;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, cancellationToken);
    }
}
