using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Pages.Layout;
using Onboarding.Pages.Privacy;
using Onboarding.Pages.Users;
using Onboarding.Privacy;
using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Functions.Users;

/// <summary>What a check just done found, for the status page: what changed, or that it came too soon.</summary>
public sealed record CheckShown(IReadOnlyList<StepChange>? Changes, bool TooSoon);

/// <summary>The pages of a signed-in person: the layout says who they are, links their pages and offers sign-out.</summary>
public sealed class PersonPages(PageRenderer pages, PageFrames frames, UserSessions sessions, TimeProvider time)
{
    public const string StatusPage = "status";
    public const string DataPage = "data";

    /// <param name="current">Which of the person's pages this is (<see cref="StatusPage"/>, <see cref="DataPage"/>), marked in the navigation.</param>
    public PageFrame Frame(HttpRequest request, string titleKey, PersonCaller caller, string? email, string? current = null)
    {
        var frame = frames.Person(request, titleKey, caller.Tenant);
        var t = frame.Texts;
        return frame with
        {
            SignedInAs = email ?? t["layout.noEmail"],
            Navigation =
            [
                new NavLink(t["layout.navStatus"], Routes.Me(caller.Tenant.Id), current == StatusPage),
                new NavLink(t["layout.navData"], Routes.Me(caller.Tenant.Id) + "/data", current == DataPage),
            ],
            SignOut = caller.Session is { } session ? new SignOutForm(Routes.SignOut(caller.Tenant.Id), sessions.AntiForgeryToken(session)) : null,
        };
    }

    /// <summary>Where the person stands, what to do next, the way on, another account, and what a check just found.</summary>
    public Task<IResult> StatusAsync(HttpRequest request, PersonCaller caller, RecordedSignIn recorded, Uri? continueTo, CheckShown? check) =>
        pages.PageAsync<MyStatus>(200, Frame(request, "status.title", caller, recorded.User.Email, StatusPage), new()
        {
            [nameof(MyStatus.Tenant)] = caller.Tenant,
            [nameof(MyStatus.Recorded)] = recorded,
            [nameof(MyStatus.Now)] = time.GetUtcNow(),
            [nameof(MyStatus.ContinueTo)] = continueTo,
            [nameof(MyStatus.CheckAgain)] = caller.Session is { } session
                ? new PersonForm(Routes.CheckAgain(caller.Tenant.Id), sessions.AntiForgeryToken(session))
                : null,
            [nameof(MyStatus.Checked)] = check?.Changes,
            [nameof(MyStatus.CheckWait)] = check?.TooSoon ?? false,
            [nameof(MyStatus.SwitchAccount)] = Routes.Login(caller.Tenant.Id, continueTo?.AbsoluteUri, switchAccount: true),
            [nameof(MyStatus.Data)] = Routes.Me(caller.Tenant.Id) + "/data",
        });

    /// <summary>What is stored about the person, in plain words, with the download and the erase action.</summary>
    public Task<IResult> DataAsync(HttpRequest request, PersonCaller caller, PersonalData? data) =>
        pages.PageAsync<MyData>(200, Frame(request, "data.title", caller, data?.Record.Email, DataPage), new()
        {
            [nameof(MyData.Tenant)] = caller.Tenant,
            [nameof(MyData.Data)] = data,
            [nameof(MyData.Download)] = Routes.Me(caller.Tenant.Id) + "/data?format=json",
            [nameof(MyData.Erase)] = Routes.Me(caller.Tenant.Id) + "/erase",
        });
}
