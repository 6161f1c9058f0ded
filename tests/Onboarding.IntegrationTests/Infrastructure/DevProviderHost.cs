namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// A service host on the one port the development provider accepts redirect URIs for, with fresh
/// tables for each test class. The classes that use it share the <see cref="DevProviderCollection"/>,
/// so they run one after another and never hold the port at the same time.
/// </summary>
public sealed class DevProviderHost : IAsyncLifetime
{
    public ServiceHost Service { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var port = TestEnvironment.ServicePort;
        Service = await ServiceHost.StartAsync([TestTenants.Demo(port), TestTenants.Other(port), TestTenants.Down()], port);
    }

    public async ValueTask DisposeAsync() => await Service.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DevProviderCollection
{
    public const string Name = "development provider";
}
