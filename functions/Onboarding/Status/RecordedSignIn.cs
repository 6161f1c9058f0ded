using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>A sign-in as recorded: the user, whether it was their first, and where they stand.</summary>
public sealed record RecordedSignIn(UserRecord User, bool FirstSignIn, OnboardingStatus Status);
