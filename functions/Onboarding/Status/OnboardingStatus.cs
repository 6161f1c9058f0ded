using System.Text.Json.Serialization;

namespace Onboarding.Status;

[JsonConverter(typeof(JsonStringEnumConverter<StepState>))]
public enum StepState
{
    [JsonStringEnumMemberName("done")] Done,
    [JsonStringEnumMemberName("action_required")] ActionRequired,
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("unknown")] Unknown,
}

/// <summary>One step of onboarding as a person sees it: where they stand and where to act.</summary>
public sealed record StatusStep(string Id, StepState State, string Message, string? ActionUrl, DateTimeOffset? CompletedAt);

/// <summary>A person's onboarding: the ordered steps, their platform roles, and whether all is done.</summary>
public sealed record OnboardingStatus(IReadOnlyList<StatusStep> Steps, IReadOnlyList<string> Roles)
{
    public bool Ready => Steps.All(s => s.State == StepState.Done);

    /// <summary>The first step that is not done: what the person should do next.</summary>
    public StatusStep? Next => Steps.FirstOrDefault(s => s.State != StepState.Done);
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

/// <summary>A step whose state a re-check changed.</summary>
public sealed record StepChange(string StepId, StepState Before, StepState After);
