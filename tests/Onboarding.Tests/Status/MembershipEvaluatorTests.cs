using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Tests.Status;

public sealed class MembershipEvaluatorTests
{
    private static readonly MembershipPolicy Policy = TenantFactory.OpenEoMembership();

    private static Membership Evaluate(params string[] values) => MembershipEvaluator.Evaluate(Policy, values);

    [Fact]
    public void EarlyAdopter_IsAMemberWithTheCatalogueSpelling()
    {
        var membership = Evaluate("urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu");

        Assert.True(membership.Accepted(Policy));
        Assert.Equal(["Early_Adopter"], membership.Roles);
    }

    [Fact]
    public void TrialRoleWrittenDifferently_StillTheTrialRole() =>
        Assert.Equal(["30-Day-Trial"], Evaluate("urn:mace:egi-dev.eu:group:vo.openeo.cloud:role=30day_trial#aai.egi-dev.eu").Roles);

    [Fact]
    public void NoEntitlements_NotAMember()
    {
        var membership = Evaluate();
        Assert.False(membership.IsMember);
        Assert.False(membership.Accepted(Policy));
    }

    [Theory]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud#aai.egi.eu")]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:role=member#aai.egi.eu")]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:role=support#aai.egi.eu")]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:trial:role=basic_user#aai.egi.eu")]
    public void MembershipWithoutAPlatformRole_AcceptedOnlyWhereTheTenantSaysSo(string value)
    {
        var membership = Evaluate(value);

        Assert.True(membership.IsMember);
        Assert.Empty(membership.Roles);
        Assert.False(membership.Accepted(Policy));
        Assert.True(membership.Accepted(TenantFactory.OpenEoMembership(acceptWithoutRole: true)));
    }

    [Theory]
    [InlineData("urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#evil.example")]     // wrong authority
    [InlineData("urn:mace:egi.eu:group:vo.other.eu:role=early_adopter#aai.egi.eu")]           // wrong VO
    [InlineData("urn:mace:example.org:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu")]  // wrong namespace
    public void OtherAuthoritiesVosAndNamespaces_Ignored(string value) => Assert.False(Evaluate(value).IsMember);

    [Fact]
    public void MalformedValues_SkippedOneByOneAndCounted()
    {
        var membership = Evaluate("garbage", "", "urn:mace:egi.eu:group:vo.openeo.cloud:role=Basic_User#aai.egi.eu", "x#y");

        Assert.Equal(["Basic_User"], membership.Roles);
        Assert.Equal(3, membership.MalformedValues);
    }

    [Fact]
    public void UpperCaseVo_StillTheVo() =>
        Assert.True(Evaluate("urn:mace:egi.eu:group:VO.OPENEO.CLOUD:role=EARLY_ADOPTER#aai.egi.eu").Accepted(Policy));

    [Fact]
    public void SeveralRoles_AllKept_InOrder() =>
        Assert.Equal(["Early_Adopter", "Platform_Developer"], Evaluate(
            "urn:mace:egi.eu:group:vo.openeo.cloud:role=platform_developer#aai.egi.eu",
            "urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu").Roles);
}
