namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// One service host on the port the development provider accepts redirect URIs for, shared by
/// every test in the <see cref="DevProviderCollection"/> (which therefore run one at a time).
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
public sealed class DevProviderCollection : ICollectionFixture<DevProviderHost>
{
    public const string Name = "development provider";
}
