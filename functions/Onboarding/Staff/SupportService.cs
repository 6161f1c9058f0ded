using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.Status;
using Onboarding.Users;

namespace Onboarding.Staff;

/// <summary>A user as support staff see them: the record, the status steps, and when the data expires.</summary>
/// <param name="Changes">What the re-check just done changed (null when none was done).</param>
public sealed record SupportUserView(UserRecord User, OnboardingStatus Status, IReadOnlyList<StepChange>? Changes = null);

public sealed record SupportUserPage(IReadOnlyList<SupportUserView> Users, string? Continuation);

/// <summary>
/// What support staff do for a person: find them, see where they stand, re-check, erase on request.
/// Every action is written to the audit trail after it is allowed and before the answer goes out;
/// denied calls never reach here and leave no entry.
/// </summary>
public sealed partial class SupportService(UserStore users, UserSearch search, EmailIndex emails, StatusService status, UserEraser eraser, AuditTrail audit)
{
    public const int PageSize = 50;

    /// <summary>Exact match through the email index: one point read, then the matching records.</summary>
    public async Task<SupportUserPage> FindByEmailAsync(StaffMember staff, string email, CancellationToken cancellationToken)
    {
        var page = await FindAsync(staff, email, cancellationToken);
        await audit.WriteAsync(staff, "search", page.Users.Count == 1 ? page.Users[0].User.UserId : null, "by email", cancellationToken);
        return page;
    }

    private async Task<SupportUserPage> FindAsync(StaffMember staff, string email, CancellationToken cancellationToken)
    {
        var found = new List<SupportUserView>();
        foreach (var userId in await emails.FindAsync(staff.Tenant.Id, email, cancellationToken))
        {
            // The index may lag behind an email change; the record decides.
            if (await users.FindAsync(staff.Tenant.Id, userId, cancellationToken) is { Email: { } current } user
                && EmailIndex.Normalise(current) == EmailIndex.Normalise(email))
            {
                found.Add(View(staff, user));
            }
        }

        return new SupportUserPage(found, null);
    }

    /// <summary>By country (exact), or by institution: the start of its domain (<c>uni-</c> finds uni-bonn.de and uni-muenster.de), through the institution index.</summary>
    public async Task<SupportUserPage> FindByAttributeAsync(StaffMember staff, SearchField attribute, string value,
        string? continuation, CancellationToken cancellationToken)
    {
        var (page, next) = await QueryAsync(staff, attribute, value, continuation, cancellationToken);
        await audit.WriteAsync(staff, "search", null, $"by {attribute.ToString().ToLowerInvariant()}", cancellationToken);
        return new SupportUserPage(page.Select(u => View(staff, u)).ToList(), next);
    }

    /// <summary>At most this many users in one CSV export of a search.</summary>
    public const int MaxExported = 5_000;

    /// <summary>
    /// Every user a search finds (up to <see cref="MaxExported"/>), as RFC 4180 CSV with the fields the
    /// page shows, formula-safe; audited as one "export" entry, with the search kind and not its value.
    /// </summary>
    public async Task<string> ExportAsync(StaffMember staff, SearchField field, string value, CancellationToken cancellationToken)
    {
        var found = new List<SupportUserView>();
        if (field == SearchField.Email)
        {
            found.AddRange((await FindAsync(staff, value, cancellationToken)).Users);
        }
        else
        {
            string? continuation = null;
            do
            {
                var (page, next) = await QueryAsync(staff, field, value, continuation, cancellationToken);
                found.AddRange(page.Select(u => View(staff, u)));
                continuation = next;
            }
            while (continuation is not null && found.Count < MaxExported);
        }

        await audit.WriteAsync(staff, "export", found.Count == 1 ? found[0].User.UserId : null, $"by {field.ToString().ToLowerInvariant()}", cancellationToken);
        var csv = new System.Text.StringBuilder(Csv.Row(["email", "email_verified", "institution", "country", "ready", "next_step",
            "first_sign_in", "last_sign_in", "sign_ins", "user_id"]));
        foreach (var v in found.Take(MaxExported))
        {
            var u = v.User;
            csv.Append(Csv.Row([Csv.Text(u.Email), u.EmailVerified switch { true => "yes", false => "no", null => "" }, Csv.Text(u.Institution),
                Csv.Text(u.Country), v.Status.Ready ? "yes" : "no", v.Status.Next?.Id ?? "", u.FirstSignInAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                u.LastSignInAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), u.SignInCount.ToString(System.Globalization.CultureInfo.InvariantCulture), u.UserId]));
        }

        return csv.ToString();
    }

    public async Task<SupportUserView> GetAsync(StaffMember staff, string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(staff.Tenant.Id, userId, cancellationToken) ?? throw NotFound();
        await audit.WriteAsync(staff, "view", userId, null, cancellationToken);
        return View(staff, user);
    }

    private Task<(IReadOnlyList<UserRecord> Users, string? Continuation)> QueryAsync(StaffMember staff, SearchField attribute, string value,
        string? continuation, CancellationToken cancellationToken)
    {
        var normalised = Normalise(attribute, value);
        if (attribute == SearchField.Institution && !InstitutionPrefix().IsMatch(normalised))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, "institution must be a domain or its start, like uni- or uni-bonn.de.");
        }

        return attribute == SearchField.Institution
            ? search.FindByInstitutionAsync(staff.Tenant.Id, normalised, continuation, PageSize, cancellationToken)
            : search.QueryAsync(staff.Tenant.Id, attribute, normalised, continuation, PageSize, cancellationToken);
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

    private static string Normalise(SearchField attribute, string value) =>
        attribute == SearchField.Country ? value.Trim().ToUpperInvariant() : value.Trim().ToLowerInvariant();

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,252}$")]
    private static partial System.Text.RegularExpressions.Regex InstitutionPrefix();

    private static OnboardingException NotFound() => new(ApiError.UserNotFound, "There is no such user in this tenant.");
}
