using FsCheck;
using FsCheck.Fluent;
using Onboarding.Tenants;

namespace Onboarding.Tests.Status;

public sealed class EntitlementTests
{
    [Theory]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu", "urn:mace:egi.eu", "vo.openeo.cloud", "", "early_adopter", "aai.egi.eu")]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud#aai.egi.eu", "urn:mace:egi.eu", "vo.openeo.cloud", "", null, "aai.egi.eu")]
    [InlineData("urn:mace:egi-dev.eu:group:vo.openeo.cloud:role=30day_trial#aai.egi-dev.eu", "urn:mace:egi-dev.eu", "vo.openeo.cloud", "", "30day_trial", "aai.egi-dev.eu")]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:dev:team-a:role=member#aai.egi.eu", "urn:mace:egi.eu", "vo.openeo.cloud", "dev/team-a", "member", "aai.egi.eu")]
    [InlineData("URN:MACE:EGI.EU:group:VO.OPENEO.CLOUD:role=Early_Adopter#AAI.EGI.EU", "URN:MACE:EGI.EU", "VO.OPENEO.CLOUD", "", "Early_Adopter", "AAI.EGI.EU")]
    [InlineData("urn:mace:egi.eu:group:eosc-synergy.eu:role=vm_operator#aai.egi.eu", "urn:mace:egi.eu", "eosc-synergy.eu", "", "vm_operator", "aai.egi.eu")]
    public void Parse_RealShapedValues(string value, string ns, string vo, string subgroups, string? role, string authority)
    {
        var entitlement = Entitlement.Parse(value);

        Assert.NotNull(entitlement);
        Assert.Equal(ns, entitlement.Namespace);
        Assert.Equal(vo, entitlement.Vo);
        Assert.Equal(subgroups, string.Join('/', entitlement.Subgroups));
        Assert.Equal(role, entitlement.Role);
        Assert.Equal(authority, entitlement.Authority);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("garbage")]
    [InlineData("urn:mace:egi.eu:vo.openeo.cloud#aai.egi.eu")]               // no group
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud")]                    // no authority
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud#")]                   // empty authority
    [InlineData("urn:mace:egi.eu:group:#aai.egi.eu")]                        // empty VO
    [InlineData(":group:vo.openeo.cloud#aai.egi.eu")]                        // empty namespace
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:role=#aai.egi.eu")]   // empty role
    [InlineData("urn:mace:egi.eu:group:role=admin#aai.egi.eu")]              // role without VO
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:role=a:sub#aai.egi.eu")] // role not last
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud::role=a#aai.egi.eu")] // empty subgroup
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:role=a#aai.egi.eu#x")] // two authorities
    [InlineData("urn:mace:egi.eu:group:vo openeo:role=a#aai.egi.eu")]        // white space
    public void Parse_Malformed_ReturnsNull(string value) => Assert.Null(Entitlement.Parse(value));

    [Theory]
    [InlineData("30day_trial", "30-Day-Trial")]
    [InlineData("EARLY ADOPTER", "Early_Adopter")]
    [InlineData("university-group-license", "University_Group_License")]
    public void NormaliseRole_IgnoresCaseDashesUnderscoresAndSpaces(string a, string b) =>
        Assert.Equal(Entitlement.NormaliseRole(a), Entitlement.NormaliseRole(b));

    [Fact]
    public void Parse_NeverThrows_OnAnyString() =>
        Prop.ForAll<string>(value => Entitlement.Parse(value) is null or { Vo.Length: > 0, Authority.Length: > 0 })
            .QuickCheckThrowOnFailure();

    private static readonly Gen<string> Segment =
        Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789.-_".ToCharArray()).ArrayOf().Where(a => a.Length is > 0 and < 12)
            .Select(a => new string(a));

    [Fact]
    public void Parse_OfAValueBuiltFromParts_GivesThePartsBack()
    {
        var parts =
            from ns in Gen.Elements("urn:mace:egi.eu", "urn:mace:egi-dev.eu", "urn:geant:example.org")
            from vo in Segment
            from subgroups in Segment.ListOf().Select(l => l.Take(3).ToList())
            from role in Gen.OneOf(Gen.Constant<string?>(null), Segment.Select(s => (string?)s))
            from authority in Segment
            select (ns, vo, subgroups, role, authority);

        Prop.ForAll(parts.ToArbitrary(), p =>
        {
            var value = $"{p.ns}:group:{string.Join(':', new[] { p.vo }.Concat(p.subgroups))}{(p.role is null ? "" : ":role=" + p.role)}#{p.authority}";
            var parsed = Entitlement.Parse(value);
            return parsed is not null && parsed.Namespace == p.ns && parsed.Vo == p.vo
                && parsed.Subgroups.SequenceEqual(p.subgroups) && parsed.Role == p.role && parsed.Authority == p.authority;
        }).QuickCheckThrowOnFailure();
    }
}
