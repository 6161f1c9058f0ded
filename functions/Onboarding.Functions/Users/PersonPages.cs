using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Users;
using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Functions.Users;

/// <summary>The pages of a signed-in person: the layout says who they are and offers sign-out.</summary>
public sealed class PersonPages(PageRenderer pages, UserSessions sessions)
{
    public PageFrame Frame(string title, PersonCaller caller, string? email) => new(title, caller.Tenant.DisplayName)
    {
        SignedInAs = email ?? "you (no email shared)",
        Navigation = [new NavLink("Your status", Routes.Me(caller.Tenant.Id)), new NavLink("Your data", Routes.Me(caller.Tenant.Id) + "/data")],
        SignOut = caller.Session is { } session ? new SignOutForm(Routes.SignOut(caller.Tenant.Id), sessions.AntiForgeryToken(session)) : null,
    };

    /// <summary>Where the person stands, what is kept about them, their rights, and the way on.</summary>
    public Task<IResult> StatusAsync(PersonCaller caller, RecordedSignIn recorded, Uri? continueTo) =>
        pages.PageAsync<MyStatus>(200, Frame("Your onboarding", caller, recorded.User.Email), new()
        {
            [nameof(MyStatus.Tenant)] = caller.Tenant,
            [nameof(MyStatus.Recorded)] = recorded,
            [nameof(MyStatus.ContinueTo)] = continueTo,
        });
}
