using Azure;
using Onboarding.Storage;

namespace Onboarding.Tests.Storage;

/// <summary>Which exceptions are storage's faults (503, or skip the item and go on) and which are bugs.</summary>
public sealed class StorageFaultsTests
{
    [Fact]
    public void AnAnswerOfStorage_IsAFault_WithItsStatusAndCode() =>
        Assert.Equal((409, "EntityAlreadyExists"), StorageFaults.Describe(new RequestFailedException(409, "x", "EntityAlreadyExists", null)));

    [Fact]
    public void TheSdksLastRetry_RefusedResetOrCutOffMidBody_IsAFault()
    {
        var aggregate = new AggregateException(
            new RequestFailedException("An error occurred while sending the request."),
            new IOException("Unable to read data from the transport connection: Connection reset by peer."),
            new HttpRequestException("An error occurred while sending the request."));

        Assert.Equal((0, "none"), StorageFaults.Describe(aggregate));
        Assert.Equal((0, "timeout"), StorageFaults.Describe(new AggregateException(new TaskCanceledException(), new TimeoutException())));
    }

    [Fact]
    public void OtherFailures_AreNot()
    {
        Assert.False(StorageFaults.Is(new InvalidOperationException()));
        Assert.False(StorageFaults.Is(new AggregateException(new ArgumentException("a bug"), new RequestFailedException("x"))));
        Assert.False(StorageFaults.Is(new AggregateException(new IOException("a file, not storage"))));
        Assert.False(StorageFaults.Is(new AggregateException()));
    }
}
