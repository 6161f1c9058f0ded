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
    StatusBody Status,
    IReadOnlyList<StepChangeBody>? Changes = null)
{
    public static SupportUserBody From(SupportUserView view) => new(view.User.UserId, view.User.Email, view.User.EmailVerified, view.User.Institution,
        view.User.Country, view.User.FirstSignInAt, view.User.LastSignInAt, view.User.SignInCount, view.User.ExpiresAt,
        StatusBody.From(view.Status), view.Changes?.Select(StepChangeBody.From).ToList());
}

/// <summary>A step a re-check changed, with the states as the status API writes them.</summary>
public sealed record StepChangeBody(string Step, Onboarding.Users.StepState Before, Onboarding.Users.StepState After)
{
    public static StepChangeBody From(Onboarding.Status.StepChange change) => new(change.StepId, change.Before, change.After);
}

/// <param name="Total">How many the search finds; null when more than <see cref="Onboarding.Users.UserSearch.SortLimit"/>.</param>
/// <param name="Sorted">Whether the users are in the order asked for (<c>sort</c>); beyond the limit, in the index's order.</param>
public sealed record SupportUserListBody(IReadOnlyList<SupportUserBody> Users, string? Continuation, int? Total = null, bool Sorted = true);

/// <param name="SearchedBack">Set when the page stopped before it was full to bound its reads: the month searched back to; <c>continuation</c> goes on.</param>
public sealed record AuditListBody(IReadOnlyList<AuditLine> Entries, string? Continuation, DateTimeOffset? SearchedBack = null);
