using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Staff;

/// <summary>A user as support staff see them: the record, the status steps, and when the data expires.</summary>
/// <param name="Changes">What the re-check just done changed (null when none was done).</param>
public sealed record SupportUserView(UserRecord User, OnboardingStatus Status, IReadOnlyList<StepChange>? Changes = null);

/// <summary>A page of a search's results, as staff see them.</summary>
/// <param name="Total">How many people the search finds; null when more than <see cref="UserSearch.SortLimit"/>.</param>
/// <param name="Sorted">Whether the page is in the order asked for (results beyond <see cref="UserSearch.SortLimit"/> are in the index's).</param>
/// <param name="First">The place of the page's first user, from 1.</param>
public sealed record SupportUserPage(IReadOnlyList<SupportUserView> Users, string? Continuation, int? Total = null, bool Sorted = true, int First = 1);

/// <summary>
/// What support staff do for a person: find them, see where they stand, re-check, erase on request.
/// Every action is written to the audit trail after it is allowed and before the answer goes out;
/// denied calls never reach here and leave no entry.
/// </summary>
public sealed class SupportService(UserStore users, UserSearch userSearch, EmailIndex emails, StatusService status, UserEraser eraser, AuditTrail audit)
{
    public const int PageSize = 50;

    /// <summary>
    /// A page of what a search finds, in the order asked for: by email exactly through the email index
    /// (one point read, then the records), by institution or country through the search index; audited
    /// as a "search" entry with its kind, never its value.
    /// </summary>
    public async Task<SupportUserPage> SearchAsync(StaffMember staff, StaffSearch search, SearchSort sort, string? continuation, int pageSize,
        CancellationToken cancellationToken)
    {
        var page = await FindAsync(staff, search, sort, continuation, pageSize, cancellationToken);
        await audit.WriteAsync(staff, "search", page.Users.Count == 1 && page.Total == 1 ? page.Users[0].User.UserId : null, $"by {search.Kind}",
            cancellationToken);
        return page;
    }

    private async Task<SupportUserPage> FindAsync(StaffMember staff, StaffSearch search, SearchSort sort, string? continuation, int pageSize,
        CancellationToken cancellationToken)
    {
        if (search.Field != SearchField.Email)
        {
            var found = await userSearch.FindAsync(staff.Tenant.Id, search.Field, search.Value, sort, continuation, pageSize, cancellationToken);
            return new SupportUserPage(found.Users.Select(u => View(staff, u)).ToList(), found.Continuation, found.Total, found.Sorted, found.First);
        }

        var matches = new List<UserRecord>();
        foreach (var userId in await emails.FindAsync(staff.Tenant.Id, search.Value, cancellationToken))
        {
            // The index may lag behind an email change; the record decides.
            if (await users.FindAsync(staff.Tenant.Id, userId, cancellationToken) is { Email: { } current } user
                && EmailIndex.Normalise(current) == EmailIndex.Normalise(search.Value))
            {
                matches.Add(user);
            }
        }

        var ordered = matches.OrderBy(u => UserSearch.SortKey(sort, u.Institution, u.Country, SearchIndex.Day(u.LastSignInAt), u.UserId), StringComparer.Ordinal);
        return new SupportUserPage(ordered.Select(u => View(staff, u)).ToList(), null, matches.Count);
    }

    /// <summary>
    /// Every user a search finds, a page at a time as storage gives them (memory stays flat whatever
    /// the number), for a CSV export; audited first as one "export" entry, with the search kind and
    /// not its value.
    /// </summary>
    public async IAsyncEnumerable<SupportUserView> ExportAsync(StaffMember staff, StaffSearch search, SearchSort sort,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (search.Field == SearchField.Email)
        {
            var found = await FindAsync(staff, search, sort, null, EmailIndex.MaxUsersPerEmail, cancellationToken);
            await audit.WriteAsync(staff, "export", found.Users.Count == 1 ? found.Users[0].User.UserId : null, $"by {search.Kind}", cancellationToken);
            foreach (var user in found.Users)
            {
                yield return user;
            }

            yield break;
        }

        await audit.WriteAsync(staff, "export", null, $"by {search.Kind}", cancellationToken);
        await foreach (var user in userSearch.ExportAsync(staff.Tenant.Id, search.Field, search.Value, cancellationToken))
        {
            yield return View(staff, user);
        }
    }

    /// <summary>The CSV header of an export; <see cref="CsvRow"/> gives its rows.</summary>
    public static readonly string CsvHeader = Csv.Row(["email", "email_verified", "institution", "country", "ready", "next_step",
        "first_sign_in", "last_sign_in", "sign_ins", "user_id"]);

    /// <summary>A user's row of an export: the fields the page shows, formula-safe.</summary>
    public static string CsvRow(SupportUserView view)
    {
        var (u, day) = (view.User, "yyyy-MM-dd");
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return Csv.Row([Csv.Text(u.Email), u.EmailVerified switch { true => "yes", false => "no", null => "" }, Csv.Text(u.Institution),
            Csv.Text(u.Country), view.Status.Ready ? "yes" : "no", view.Status.Next?.Id ?? "", u.FirstSignInAt.ToString(day, culture),
            u.LastSignInAt.ToString(day, culture), u.SignInCount.ToString(culture), u.UserId]);
    }

    public async Task<SupportUserView> GetAsync(StaffMember staff, string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(staff.Tenant.Id, userId, cancellationToken) ?? throw NotFound();
        await audit.WriteAsync(staff, "view", userId, null, cancellationToken);
        return View(staff, user);
    }

    public async Task<SupportUserView> RecheckAsync(StaffMember staff, string userId, CancellationToken cancellationToken)
    {
        var (before, after) = await status.RecheckPartnersAsync(staff.Tenant, userId, cancellationToken) ?? throw NotFound();
        await audit.WriteAsync(staff, "recheck", userId, null, cancellationToken);
        return View(staff, after) with { Changes = StatusSteps.Changes(before.Status, after.Status) };
    }

    /// <summary>The same erasure as the person's own, for requests that come by email. Repeating it is fine.</summary>
    public async Task EraseAsync(StaffMember staff, string userId, CancellationToken cancellationToken)
    {
        await eraser.EraseAsync(staff.Tenant.Id, userId, "erased by support on the person's request", cancellationToken);
        await audit.WriteAsync(staff, "erase", userId, null, cancellationToken);
    }

    private static SupportUserView View(StaffMember staff, UserRecord user) =>
        new(user, StatusSteps.Describe(staff.Tenant, user.Status, user.FirstSignInAt));

    private static OnboardingException NotFound() => new(ApiError.UserNotFound, "There is no such user in this tenant.");
}
