using System.Net.Sockets;

namespace Onboarding.Tests.Configuration;

public sealed class LoopbackTrapTests
{
    [Fact]
    public async Task WasContacted_AfterAConnection_IsTrue()
    {
        using var trap = new LoopbackTrap();
        Assert.False(trap.WasContacted);

        using var client = new TcpClient();
        var uri = new Uri(trap.Url);
        await client.ConnectAsync(uri.Host, uri.Port, TestContext.Current.CancellationToken);

        Assert.True(trap.WasContacted);
    }
}
