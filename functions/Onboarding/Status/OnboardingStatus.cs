using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>One step of onboarding as a person sees it: where they stand and where to act.</summary>
public sealed record StatusStep(string Id, StepState State, string Message, string? ActionUrl, DateTimeOffset? CompletedAt);

/// <summary>A person's onboarding: the ordered steps, their platform roles, and whether all is done.</summary>
public sealed record OnboardingStatus(IReadOnlyList<StatusStep> Steps, IReadOnlyList<string> Roles)
{
    public bool Ready => Steps.All(s => s.State == StepState.Done);

    /// <summary>The first step that is not done: what the person should do next.</summary>
    public StatusStep? Next => Steps.FirstOrDefault(s => s.State != StepState.Done);
}

/// <summary>A step whose state a re-check changed.</summary>
public sealed record StepChange(string StepId, StepState Before, StepState After);
