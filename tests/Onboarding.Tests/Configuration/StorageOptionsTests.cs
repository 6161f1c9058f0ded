using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Onboarding.Storage;

namespace Onboarding.Tests.Configuration;

public sealed class StorageOptionsTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("UseDevelopmentStorage=true", "https://st.table.core.windows.net")]
    [InlineData(" ", null)]
    public void Options_NotExactlyOneWayToStorage_FailNamingBothSettings(string? connectionString, string? tableServiceUri)
    {
        using var services = Services(new()
        {
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:TableServiceUri"] = tableServiceUri,
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:TableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BadTablePrefix_FailNamingIt()
    {
        using var services = Services(new()
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Storage:TablePrefix"] = "no-dashes",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);

        // DataAnnotations name the property and the options class, not the full setting name.
        Assert.Contains("TablePrefix", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(StorageOptions), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Storage:ConnectionString", "UseDevelopmentStorage=true")]
    [InlineData("Storage:TableServiceUri", "https://st.table.core.windows.net")]
    public void Options_ExactlyOneWayToStorage_AreValid(string setting, string value)
    {
        using var services = Services(new() { [setting] = value, ["Storage:TablePrefix"] = "t1" });

        Assert.Equal("t1", services.GetRequiredService<IOptions<StorageOptions>>().Value.TablePrefix);
    }

    [Theory]
    [InlineData("")]
    [InlineData("11111111-1111-1111-1111-111111111111")]
    public void TableStore_TableServiceUriWithManagedIdentity_IsCreatedWithoutAnyCall(string clientId)
    {
        using var trap = new LoopbackTrap();
        using var services = Services(new()
        {
            ["Storage:TableServiceUri"] = trap.Url.Replace("http:", "https:", StringComparison.Ordinal),
            ["Storage:ManagedIdentityClientId"] = clientId,
            ["Storage:TablePrefix"] = "t1",
        });

        // The managed identity credential fetches a token at the first request, and tables are
        // created on first use: resolving the store must touch neither the identity endpoint nor storage.
        var store = services.GetRequiredService<TableClients>();

        Assert.Equal("t1users", store.NameOf(Table.Users));
        Assert.False(trap.WasContacted);
    }

    // Connection strings in the environment (run.sh exports one) must not fill in what a test leaves
    // out, so every setting comes from here only.
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddTableStorage()
            .BuildServiceProvider();
    }
}
