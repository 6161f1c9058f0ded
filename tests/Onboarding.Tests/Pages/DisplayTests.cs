using Onboarding.Pages;

namespace Onboarding.Tests.Pages;

public sealed class DisplayTests
{
    [Theory]
    [InlineData("alice@vito.be", false)]
    [InlineData("jürgen.müller@uni-bonn.de", false)]   // accented Latin is still Latin
    [InlineData("ελένη@example.gr", true)]              // Greek name, Latin domain
    [InlineData("\u0430lice@vito.be", true)]            // Cyrillic а among Latin letters
    [InlineData("paypal@\u0440aypal.com", true)]        // Cyrillic р in the domain
    [InlineData("иван@пример.рф", false)]               // all Cyrillic: not mixed
    [InlineData("(no email)", false)]
    [InlineData(null, false)]
    public void MixesScripts_FlagsLookAlikes_NotAccentsOrOneScript(string? value, bool mixed) =>
        Assert.Equal(mixed, Display.MixesScripts(value));
}
