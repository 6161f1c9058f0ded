using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>A sign-in as recorded: the user, whether it was their first, and where they stand.</summary>
public sealed record RecordedSignIn(UserRecord User, bool FirstSignIn, OnboardingStatus Status)
{
    /// <summary>The stored status before this sign-in (null: a first sign-in, or not known), for what it changed.</summary>
    public StoredStatus? Before { get; init; }

    /// <summary>The steps this sign-in changed.</summary>
    public IReadOnlyList<StepChange> Changes => StatusSteps.Changes(Before ?? StoredStatus.Empty, User.Status);
}
