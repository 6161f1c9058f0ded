using Onboarding.Functions.Users;
using Onboarding.Staff;

namespace Onboarding.Functions.Staff;

/// <summary>A user as the support API shows them.</summary>
public sealed record SupportUserBody(
    string UserId,
    string? Email,
    bool? EmailVerified,
    string? Institution,
    string? Country,
    DateTimeOffset FirstSignInAt,
    DateTimeOffset LastSignInAt,
    int SignInCount,
    DateTimeOffset ExpiresAt,
    StatusBody Status)
{
    public static SupportUserBody From(SupportUserView view) => new(view.User.UserId, view.User.Email, view.User.EmailVerified, view.User.Institution,
        view.User.Country, view.User.FirstSignInAt, view.User.LastSignInAt, view.User.SignInCount, view.User.ExpiresAt,
        StatusBody.From(view.Status));
}

public sealed record SupportUserListBody(IReadOnlyList<SupportUserBody> Users, string? Continuation);

public sealed record AuditListBody(IReadOnlyList<AuditLine> Entries, string? Continuation);
