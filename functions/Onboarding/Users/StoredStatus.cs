using System.Text.Json.Serialization;

namespace Onboarding.Users;

[JsonConverter(typeof(JsonStringEnumConverter<StepState>))]
public enum StepState
{
    [JsonStringEnumMemberName("done")] Done,
    [JsonStringEnumMemberName("action_required")] ActionRequired,
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("unknown")] Unknown,
}

/// <summary>What the user record keeps of the status: states and first-completed times, never raw claims.</summary>
public sealed record StoredStatus(
    IReadOnlyDictionary<string, StoredStep> Steps,
    IReadOnlyList<string> Roles,
    DateTimeOffset? ReadyAt)
{
    public static StoredStatus Empty { get; } = new(new Dictionary<string, StoredStep>(), [], null);

    public StoredStep? Step(string id) => Steps.TryGetValue(id, out var step) ? step : null;
}

/// <param name="Detail">A reason code for messages, e.g. <c>no_role</c>; never personal data.</param>
/// <param name="CheckedAt">When the step was last observed (the entitlements at a sign-in, a partner's answer),
/// to the hour: a check within the hour that finds the same state changes nothing stored.</param>
public sealed record StoredStep(StepState State, DateTimeOffset? FirstDoneAt, string? Detail = null, DateTimeOffset? CheckedAt = null);
