using Onboarding.Status;

namespace Onboarding.Functions.Users;

/// <summary>The JSON answer about a user: the callback's and <c>/me</c>'s. Never echoes provider claims.</summary>
public sealed record UserBody(
    string Tenant,
    string UserId,
    string? Email,
    string? Institution,
    string? Country,
    bool FirstLogin,
    DateTimeOffset FirstSignInAt,
    DateTimeOffset LastSignInAt,
    int SignInCount,
    StatusBody Status)
{
    public static UserBody From(string tenant, RecordedSignIn recorded)
    {
        var user = recorded.User;
        return new UserBody(tenant, user.UserId, user.Email, user.Institution, user.Country, recorded.FirstSignIn,
            user.FirstSignInAt, user.LastSignInAt, user.SignInCount, StatusBody.From(recorded.Status));
    }
}

public sealed record StatusBody(bool Ready, IReadOnlyList<string> Roles, string? NextStep, IReadOnlyList<StatusStep> Steps)
{
    public static StatusBody From(OnboardingStatus status) => new(status.Ready, status.Roles, status.Next?.Id, status.Steps);
}
