using System.ComponentModel.DataAnnotations;
using Onboarding.SignIn;

namespace Onboarding.Tests.Configuration;

public class SignInOptionsTests
{
    private static SignInOptions Valid() => new() { PublicBaseUrl = new Uri("https://onboarding.example/"), TenantsFile = "tenants.json" };

    private static List<ValidationResult> Validate(SignInOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Validate(Valid()));

    [Theory]
    [InlineData(nameof(SignInOptions.LoginAttemptLifetime), "00:00:59")]
    [InlineData(nameof(SignInOptions.LoginAttemptLifetime), "00:30:01")]
    [InlineData(nameof(SignInOptions.ClockSkew), "-00:00:01")]
    [InlineData(nameof(SignInOptions.ClockSkew), "00:10:01")]
    [InlineData(nameof(SignInOptions.MetadataRefreshInterval), "00:00:30")]
    [InlineData(nameof(SignInOptions.MetadataRefreshInterval), "1.00:00:01")]
    public void ATimeSpanOutOfItsRange_IsNamed(string property, string value)
    {
        var options = Valid();
        typeof(SignInOptions).GetProperty(property)!.SetValue(options, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var error = Assert.Single(Validate(options));

        Assert.Equal([property], error.MemberNames);
        Assert.StartsWith($"Onboarding:{property} must be between", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyHostsValidatingAtOnce_AllSucceed()
    {
        // Many test hosts start at the same moment; the options' checks must not share unsafe state.
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => Validate(Valid()).Count)));
        Assert.All(results, count => Assert.Equal(0, count));
    }
}
