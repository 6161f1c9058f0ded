using System.Net;
using System.Net.Sockets;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// What ./test.sh started for this run: Azurite, the development identity provider and partner
/// service, each on a free loopback port, and the secrets it generated for them.
/// </summary>
public static class TestEnvironment
{
    public static string StorageConnectionString => Required("ONBOARDING_TEST_STORAGE");
    public static string IdpBaseUrl => Required("ONBOARDING_TEST_IDP");
    public static string PartnerBaseUrl => Required("ONBOARDING_TEST_PARTNER");

    /// <summary>Glewlwyd (Debian), an OpenID provider nobody on the team wrote, seeded from dev/glewlwyd/.</summary>
    public static string GlewlwydIssuer => Required("ONBOARDING_TEST_GLEWLWYD");

    public static string GlewlwydClientSecret => Required("GLEWLWYD_CLIENT_SECRET");

    /// <summary>The one port the development provider accepts redirect URIs for.</summary>
    public static int ServicePort => int.Parse(Required("ONBOARDING_TEST_SERVICE_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static string DemoClientSecret => Required("DEMO_CLIENT_SECRET");
    public static string OtherClientSecret => Required("OTHER_CLIENT_SECRET");

    public static string Artifacts => Environment.GetEnvironmentVariable("ONBOARDING_TEST_ARTIFACTS")
        ?? Path.Combine(Path.GetTempPath(), "onboarding-test-artifacts");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with ./test.sh, which starts Azurite and the development providers.");
}
