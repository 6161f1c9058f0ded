using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Tests.Status;

public sealed class StatusStepsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Onboarding.Tenants.Tenant Tenant = TenantFactory.Create();

    private static Membership Member(params string[] roles) => new(true, roles, 0);

    private static StatusObservation Observed(Membership? membership, LinkState? terrascope, bool fresh = true) =>
        new(membership, terrascope is { } s
            ? new Dictionary<string, LinkAnswer> { ["terrascope"] = new(s, fresh) }
            : new Dictionary<string, LinkAnswer>());

    [Fact]
    public void Merge_AllDone_ReadyWithFirstCompletedTimes()
    {
        var stored = StatusSteps.Merge(Tenant, null, Observed(Member("Early_Adopter"), LinkState.Linked), T0);
        var status = StatusSteps.Describe(Tenant, stored, T0);

        Assert.True(status.Ready);
        Assert.Equal(["account", "membership", "terrascope"], status.Steps.Select(s => s.Id));
        Assert.All(status.Steps, s => Assert.Equal(T0, s.CompletedAt));
        Assert.Equal(T0, stored.ReadyAt);
        Assert.Equal(["Early_Adopter"], status.Roles);
    }

    [Fact]
    public void Merge_NotesWhenEachStepWasChecked_ToTheHour_AndAtOnceWhenItsStateChanges()
    {
        var first = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.NotLinked), T0);
        Assert.All(first.Steps.Values, s => Assert.Equal(T0, s.CheckedAt));

        // Within the hour, the same answers store nothing new (a bearer client's polling writes nothing).
        var again = StatusSteps.Merge(Tenant, first, Observed(Member("Basic_User"), LinkState.NotLinked), T0.AddMinutes(59));
        Assert.Equal(first.Steps, again.Steps);

        // A changed state is noted at once; a partner that cannot be asked keeps its last check.
        var linked = StatusSteps.Merge(Tenant, again, Observed(Member("Basic_User"), LinkState.Linked), T0.AddMinutes(60));
        Assert.Equal(T0.AddMinutes(60), linked.Step("terrascope")!.CheckedAt);
        Assert.Equal(T0.AddMinutes(60), linked.Step("membership")!.CheckedAt); // an hour on: checked again
        var down = StatusSteps.Merge(Tenant, linked, Observed(null, LinkState.Unknown), T0.AddHours(5));
        Assert.Equal(T0.AddMinutes(60), down.Step("terrascope")!.CheckedAt);
        Assert.Equal(T0.AddMinutes(60), down.Step("membership")!.CheckedAt); // not observed: no entitlements asked
    }

    [Fact]
    public void Changes_NameTheStepsWhoseStateMoved()
    {
        var before = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.NotLinked), T0);
        var after = StatusSteps.Merge(Tenant, before, Observed(null, LinkState.Linked), T0.AddMinutes(5));

        Assert.Equal([new StepChange("terrascope", StepState.ActionRequired, StepState.Done)], StatusSteps.Changes(before, after));
        Assert.Empty(StatusSteps.Changes(after, after));
        var written = StepChanges.Write(StatusSteps.Changes(before, after));
        Assert.Equal("terrascope:ActionRequired:Done", written);
        Assert.Equal(StatusSteps.Changes(before, after), StepChanges.Read(written, Tenant));
        Assert.Empty(StepChanges.Read("other:Pending:Done,terrascope:Bogus:Done,terrascope:7:Done,,x", Tenant));
    }

    [Fact]
    public void StaffSteps_TellStaffWhatToSend()
    {
        var stored = StatusSteps.Merge(Tenant, null, Observed(new Membership(false, [], 0), LinkState.NotLinked), T0);
        var steps = Onboarding.Staff.StaffSteps.Describe(Tenant, stored, T0);

        Assert.Equal(["account", "membership", "terrascope"], steps.Select(s => s.Id));
        var membership = steps[1];
        Assert.StartsWith($"Not a member of {Tenant.Membership.Vo} — send them the enrolment link", membership.Advice, StringComparison.Ordinal);
        Assert.Equal(Tenant.Membership.EnrolmentUrl, membership.LinkToSend);
        Assert.Equal(T0, membership.CheckedAt);
        Assert.DoesNotContain(steps, s => s.Advice.Contains("You", StringComparison.Ordinal)); // staff's words, not the person's
        Assert.Equal(Tenant.Partners[0].LinkUrl, steps[2].LinkToSend);
        Assert.Null(steps[0].LinkToSend);
    }

    [Fact]
    public void Merge_KeepsTheFirstCompletedTime_AcrossLaterSignIns()
    {
        var first = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.NotLinked), T0);
        var second = StatusSteps.Merge(Tenant, first, Observed(Member("Basic_User"), LinkState.Linked), T0.AddDays(3));
        var third = StatusSteps.Merge(Tenant, second, Observed(Member("Basic_User"), LinkState.Linked), T0.AddDays(9));

        Assert.Equal(T0, third.Step("membership")!.FirstDoneAt);
        Assert.Equal(T0.AddDays(3), third.Step("terrascope")!.FirstDoneAt);
        Assert.Equal(T0.AddDays(3), third.ReadyAt);
    }

    [Fact]
    public void Merge_PartnerDown_DoesNotUndoWhatItSaidBefore_UnknownOnlyWhenNothingIsKnown()
    {
        var linked = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.Linked), T0);
        var notYet = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.NotLinked), T0);

        Assert.Equal(StepState.Done, StatusSteps.Merge(Tenant, linked, Observed(null, LinkState.Unknown), T0).Step("terrascope")!.State);
        // "Link your account" stays what the person is told while the partner cannot be asked.
        Assert.Equal(StepState.ActionRequired, StatusSteps.Merge(Tenant, notYet, Observed(null, LinkState.Unknown), T0).Step("terrascope")!.State);
        Assert.Equal(StepState.Unknown, StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.Unknown), T0).Step("terrascope")!.State);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 60)]   // never longer than the hourly re-check
    [InlineData(60, 60)]
    public void RecheckBackOff_AfterUnreachablePartners_StartsInMinutes_AndDoubles(int misses, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), StatusService.BackOff(misses));

    [Fact]
    public void Merge_ACachedNotLinked_DoesNotUndoALinkConfirmedSince_AFreshOneDoes()
    {
        var linked = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.Linked), T0);

        var cached = StatusSteps.Merge(Tenant, linked, Observed(null, LinkState.NotLinked, fresh: false), T0.AddMinutes(5));
        var fresh = StatusSteps.Merge(Tenant, linked, Observed(null, LinkState.NotLinked, fresh: true), T0.AddMinutes(5));

        Assert.Equal(StepState.Done, cached.Step("terrascope")!.State);
        Assert.Equal(StepState.ActionRequired, fresh.Step("terrascope")!.State);
        Assert.Equal(T0, fresh.Step("terrascope")!.FirstDoneAt); // when it was first done stays on record
    }

    [Fact]
    public void Merge_WithoutAMembershipObservation_KeepsTheStoredOne()
    {
        var stored = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), LinkState.NotLinked), T0);

        var rechecked = StatusSteps.Merge(Tenant, stored, Observed(null, LinkState.Linked), T0.AddHours(1));

        Assert.Equal(StepState.Done, rechecked.Step("membership")!.State);
        Assert.Equal(["Basic_User"], rechecked.Roles);
    }

    [Fact]
    public void Describe_NotAMember_PointsToEnrolment()
    {
        var stored = StatusSteps.Merge(Tenant, null, Observed(new Membership(false, [], 0), LinkState.NotLinked), T0);

        var status = StatusSteps.Describe(Tenant, stored, T0);

        var membership = status.Steps.Single(s => s.Id == "membership");
        Assert.Equal(StepState.ActionRequired, membership.State);
        Assert.Equal("https://aai.egi.eu/auth/realms/id/account/#/enroll?groupPath=/vo.openeo.cloud", membership.ActionUrl);
        Assert.Contains("vo.openeo.cloud", membership.Message, StringComparison.Ordinal);
        Assert.Equal("membership", status.Next!.Id);
        Assert.False(status.Ready);
    }

    [Fact]
    public void Describe_MemberWithoutRole_SaysSo()
    {
        var stored = StatusSteps.Merge(Tenant, null, Observed(Member(), LinkState.Linked), T0);

        var step = StatusSteps.Describe(Tenant, stored, T0).Steps.Single(s => s.Id == "membership");

        Assert.Equal(StepState.ActionRequired, step.State);
        Assert.Contains("no platform role", step.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LinkState.NotLinked, StepState.ActionRequired, "https://portal.terrascope.be/")]
    [InlineData(LinkState.Unknown, StepState.Unknown, "https://portal.terrascope.be/")]
    [InlineData(LinkState.Linked, StepState.Done, null)]
    public void Describe_PartnerStep_LinksWhereThePersonCanAct(LinkState link, StepState state, string? url)
    {
        var stored = StatusSteps.Merge(Tenant, null, Observed(Member("Basic_User"), link), T0);

        var step = StatusSteps.Describe(Tenant, stored, T0).Steps.Single(s => s.Id == "terrascope");

        Assert.Equal(state, step.State);
        Assert.Equal(url, step.ActionUrl);
    }
}
