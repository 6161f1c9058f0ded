using System.Text.Json;
using Onboarding.Users;

namespace Onboarding.Tests.Users;

public sealed class ProfileMapperTests
{
    private static JsonElement Claims(object claims) => JsonSerializer.SerializeToElement(claims);

    [Fact]
    public void Map_CheckInClaims_KeepsOnlyIdsEmailInstitutionCountry()
    {
        var profile = ProfileMapper.Map(TenantFactory.Create(), Claims(new
        {
            sub = "s-1",
            voperson_id = "abc@egi.eu",
            email = " alice@vito.be ",
            name = "Alice Adams",
            eduperson_scoped_affiliation = new[] { "member@vito.be", "staff@vito.be" },
            eduperson_entitlement = new[] { "urn:mace:egi.eu:group:vo.openeo.cloud#aai.egi.eu" },
        }));

        Assert.NotNull(profile);
        Assert.Equal("abc@egi.eu", profile.Subject);
        Assert.Equal("alice@vito.be", profile.Email);
        Assert.Equal("vito.be", profile.Institution);
        Assert.Equal("BE", profile.Country);
    }

    [Fact]
    public void Map_WithoutTheUserKeyClaim_ReturnsNull() =>
        Assert.Null(ProfileMapper.Map(TenantFactory.Create(userKeyClaim: "voperson_id"), Claims(new { sub = "s-1" })));

    [Fact]
    public void Map_UserId_DependsOnIssuerAndSubject_NotOnEmail()
    {
        var tenant = TenantFactory.Create(userKeyClaim: "sub");
        var a = ProfileMapper.Map(tenant, Claims(new { sub = "s-1", email = "a@x.org" }))!;
        var b = ProfileMapper.Map(tenant, Claims(new { sub = "s-1", email = "b@y.org" }))!;
        var c = ProfileMapper.Map(tenant, Claims(new { sub = "s-2", email = "a@x.org" }))!;

        Assert.Equal(a.UserId, b.UserId);
        Assert.NotEqual(a.UserId, c.UserId);
        Assert.Equal(32, a.UserId.Length);
    }

    [Fact]
    public void Map_TenantCountryClaim_WinsOverTheDomain()
    {
        var profile = ProfileMapper.Map(TenantFactory.Create(countryClaim: "c", userKeyClaim: "sub"),
            Claims(new { sub = "s", c = "nl", eduperson_scoped_affiliation = "member@vito.be" }))!;

        Assert.Equal("NL", profile.Country);
    }

    [Theory]
    [InlineData(new[] { "member@vito.be" }, "vito.be")]
    [InlineData(new[] { "garbage", "member@UNI-BONN.DE" }, "uni-bonn.de")]
    [InlineData(new[] { "member@not a domain" }, null)]
    [InlineData(new[] { "@" }, null)]
    [InlineData(new string[0], null)]
    public void InstitutionOf_TakesTheFirstValidScope(string[] values, string? expected) =>
        Assert.Equal(expected, ProfileMapper.InstitutionOf(values));

    [Theory]
    [InlineData("alice@vito.be", "alice@vito.be")]
    [InlineData(" alice@vito.be ", "alice@vito.be")]
    [InlineData("alice@vito.be\u202Egro.live", null)]   // a right-to-left override would show another domain
    [InlineData("alice\u200B@vito.be", null)]           // zero-width space
    [InlineData("alice@vito.be\u0000", null)]
    [InlineData("alice@vito.be\r\nBcc: x@y.org", null)]
    [InlineData("alice", null)]
    [InlineData("a@b@c", null)]
    [InlineData("@vito.be", null)]
    public void EmailOf_OnlyPlainAddresses(string claim, string? stored) =>
        Assert.Equal(stored, ProfileMapper.EmailOf(Claims(new { email = claim })));

    [Fact]
    public void EmailOf_ALoneSurrogateInTheProvidersJson_NotStored_NoException()
    {
        using var document = JsonDocument.Parse("{\"email\":\"\\ud800@vito.be\",\"eduperson_entitlement\":[\"\\udc00\",\"x\"]}");

        Assert.Null(ProfileMapper.EmailOf(document.RootElement));
        Assert.Equal(["x"], ProfileMapper.Strings(document.RootElement, "eduperson_entitlement"));
    }

    [Fact]
    public void EmailOf_Over254Characters_NotStored() =>
        Assert.Null(ProfileMapper.EmailOf(Claims(new { email = new string('a', 250) + "@x.org" })));

    [Fact]
    public void Map_AUserKeyOfControlCharactersOrOverlong_Refused()
    {
        var tenant = TenantFactory.Create(userKeyClaim: "sub");
        Assert.Null(ProfileMapper.Map(tenant, Claims(new { sub = "a\u0000b" })));
        Assert.Null(ProfileMapper.Map(tenant, Claims(new { sub = new string('s', 257) })));
    }

    [Theory]
    [InlineData("{\"email\":\"a@x.org\",\"email_verified\":true}", true)]
    [InlineData("{\"email\":\"a@x.org\",\"email_verified\":false}", false)]
    [InlineData("{\"email\":\"a@x.org\",\"email_verified\":\"false\"}", false)]   // some providers send a string
    [InlineData("{\"email\":\"a@x.org\",\"email_verified\":\"TRUE\"}", true)]
    [InlineData("{\"email\":\"a@x.org\",\"email_verified\":1}", null)]
    [InlineData("{\"email\":\"a@x.org\"}", null)]                                 // the provider does not say
    [InlineData("{\"email\":\"a@x.org\",\"email_verified\":false,\"voperson_verified_email\":[\"A@x.org\"]}", true)] // Check-in's list
    [InlineData("{\"email\":\"a@x.org\",\"voperson_verified_email\":[\"other@x.org\"]}", null)]
    [InlineData("{\"email_verified\":true}", null)]                                 // no email, nothing verified
    public void EmailVerified_AsTheProviderSaysIt(string json, bool? expected)
    {
        using var document = JsonDocument.Parse(json);
        var profile = ProfileMapper.Map(TenantFactory.Create(userKeyClaim: "sub"), JsonSerializer.SerializeToElement(
            document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value).Append(new("sub", JsonSerializer.SerializeToElement("s"))).ToDictionary()));

        Assert.Equal(expected, profile!.EmailVerified);
    }
}
