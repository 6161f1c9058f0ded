using System.Net;
using System.Net.Sockets;

namespace Onboarding.Tests.Configuration;

/// <summary>
/// A loopback port that notices any connection to it. Tests point every address the service could
/// call (storage, identity provider, partner) here, then check that starting made no call.
/// </summary>
public sealed class LoopbackTrap : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public LoopbackTrap() => _listener.Start();

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>True once anything has connected (the connection waits in the backlog, never accepted).</summary>
    public bool WasContacted => _listener.Pending();

    public void Dispose() => _listener.Stop();
}
