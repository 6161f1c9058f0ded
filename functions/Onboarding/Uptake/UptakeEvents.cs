using System.Text.Json;
using System.Text.Json.Serialization;
using Onboarding.Common;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Uptake;

/// <summary>One metric to add one to; with a marker, only the first time (a distinct count).</summary>
public sealed record CountStep([property: JsonPropertyName("m")] string Metric, [property: JsonPropertyName("k")] string? Marker);

/// <summary>
/// The counting one write of a user record asks for, in one counter partition (a tenant and month),
/// under the person's dimensions. Carried in an outbox row of that write; pseudonymous (the user hash).
/// </summary>
public sealed record UptakeEvent(
    [property: JsonPropertyName("p")] string Partition,
    [property: JsonPropertyName("u")] string UserHash,
    [property: JsonPropertyName("d")] IReadOnlyList<string[]> Dimensions,
    [property: JsonPropertyName("s")] IReadOnlyList<CountStep> Steps)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToPayload() => JsonSerializer.Serialize(this, Json);

    /// <summary>The event in a payload, or null when it is not one (never fatal to the drain).</summary>
    public static UptakeEvent? Parse(string payload)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<UptakeEvent>(payload, Json);
            return parsed is { Partition.Length: > 0, Dimensions: not null, Steps: not null } ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The pseudonym the uptake markers are keyed on: a user's life, not their id.</summary>
public static class UptakeHash
{
    public static string Of(Pseudonymizer pseudonyms, string userId, string? life) =>
        pseudonyms.Hash("uptake", life is null ? userId : userId + "\n" + life);
}

/// <summary>
/// Works out what a sign-in or a status change counts: sign-ins, sign-ups and monthly active users in
/// the month it happened, and in the person's sign-up cohort the funnel stages first reached and their
/// return in the 1st, 3rd or 6th month after signing up. Pure:
/// the counting itself happens later, off the request path (<see cref="UptakeDrain"/>).
/// </summary>
public sealed class UptakePlanner(Pseudonymizer pseudonyms)
{
    /// <summary>A sign-in just recorded (<paramref name="before"/> null on the first).</summary>
    public IReadOnlyList<string> SignIn(Tenant tenant, UserRecord? before, UserRecord after)
    {
        var hash = HashOf(after.UserId, after.Life);
        var steps = new List<CountStep> { new(Metrics.SignIns, null), new(Metrics.ActiveUsers, UptakeKeys.ActiveMarker(hash)) };
        if (before is null)
        {
            steps.Add(new CountStep(Metrics.SignUps, UptakeKeys.StageMarker(hash, Metrics.SignUps)));
        }

        var events = new List<UptakeEvent> { new(UptakeKeys.Partition(tenant.Id, after.LastSignInAt), hash, DimensionsOf(after), steps) };
        events.AddRange(StatusEvents(tenant, before?.Status, after, hash));
        if (before is not null && UptakeKeys.MonthsAfter(after.FirstSignInAt, after.LastSignInAt) is var months && Metrics.ReturnMonths.Contains(months))
        {
            // A returning user, counted in their sign-up cohort: once however often they come back that month.
            events.Add(new UptakeEvent(UptakeKeys.Partition(tenant.Id, after.FirstSignInAt), hash, DimensionsOf(after),
                [new CountStep(Metrics.Returned(months), UptakeKeys.ReturnMarker(hash, months))]));
        }

        return Merge(events);
    }

    /// <summary>A status change of a known person: the funnel stages first reached, in their cohort.</summary>
    public IReadOnlyList<string> StatusChanged(Tenant tenant, StoredStatus? before, UserRecord after) =>
        Merge(StatusEvents(tenant, before, after, HashOf(after.UserId, after.Life)));

    /// <summary>Who the markers are of: one life of one user (the user alone for records from before lives were kept).</summary>
    private string HashOf(string userId, string? life) => UptakeHash.Of(pseudonyms, userId, life);

    private static IEnumerable<UptakeEvent> StatusEvents(Tenant tenant, StoredStatus? before, UserRecord after, string hash)
    {
        var reached = Stages(tenant, after.Status).Except(before is null ? [] : Stages(tenant, before)).ToList();
        if (reached.Count == 0)
        {
            yield break;
        }

        var steps = reached.Select(stage => new CountStep(stage, UptakeKeys.StageMarker(hash, stage))).ToList();
        if (reached.Contains(Metrics.Ready) && after.Status.ReadyAt is { } readyAt)
        {
            steps.Add(new CountStep(Metrics.DaysToReady((int)(readyAt - after.FirstSignInAt).TotalDays), UptakeKeys.StageMarker(hash, "days")));
        }

        yield return new UptakeEvent(UptakeKeys.Partition(tenant.Id, after.FirstSignInAt), hash, DimensionsOf(after), steps);
    }

    /// <summary>One event per counter partition (a first sign-in's month is also its cohort).</summary>
    private static List<string> Merge(IEnumerable<UptakeEvent> events) =>
        events.GroupBy(e => e.Partition)
            .Select(g => g.First() with { Steps = g.SelectMany(e => e.Steps).ToList() })
            .Select(e => e.ToPayload())
            .ToList();

    /// <summary>The funnel stages a status has reached (sign-up is counted at the first sign-in).</summary>
    public static IEnumerable<string> Stages(Tenant tenant, StoredStatus status)
    {
        if (status.Step(BuiltInSteps.Membership)?.FirstDoneAt is not null)
        {
            yield return Metrics.Member;
        }

        if (tenant.Partners.All(p => status.Step(p.Id)?.FirstDoneAt is not null))
        {
            yield return Metrics.PartnersLinked;
        }

        if (status.ReadyAt is not null)
        {
            yield return Metrics.Ready;
        }
    }

    /// <summary>The (dimension, value) pairs a person counts under: the total, their country, institution and roles.</summary>
    public static IReadOnlyList<string[]> DimensionsOf(UserRecord user)
    {
        var dims = new List<string[]>
        {
            new[] { Dimensions.Total, "" },
            new[] { Dimensions.Country, user.Country ?? "unknown" },
            new[] { Dimensions.Institution, user.Institution ?? "unknown" },
        };
        dims.AddRange(user.Status.Roles.Count == 0 ? [[Dimensions.Role, "none"]] : user.Status.Roles.Select(r => new[] { Dimensions.Role, r }));
        return dims;
    }
}
