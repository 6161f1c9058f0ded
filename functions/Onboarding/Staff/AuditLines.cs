using System.Globalization;
using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Staff;

/// <summary>What an operator asks of the audit log: a window, and optionally a staff member, a user and an action.</summary>
/// <param name="Staff">A staff member's work email (from the staff directory) or user id.</param>
/// <param name="User">A user's email (through the email index: exact) or user id.</param>
public sealed record AuditQuery(DateTimeOffset From, DateTimeOffset To, string? Staff, string? User, string? Action)
{
    /// <summary>The actions the log holds, in words.</summary>
    public static readonly IReadOnlyDictionary<string, string> Actions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["search"] = "searched",
        ["export"] = "exported search results",
        ["view"] = "viewed a user",
        ["recheck"] = "re-checked a user's partner accounts",
        ["erase"] = "erased a user on their request",
    };

    /// <summary>The query parameters, validated (a clear 400 for a bad one, as <see cref="AuditRange"/>).</summary>
    public static AuditQuery Parse(string? from, string? to, string? staff, string? user, string? action, DateTimeOffset now)
    {
        var (start, end) = AuditRange.Parse(from, to, now);
        if (!string.IsNullOrEmpty(action) && !Actions.ContainsKey(action))
        {
            throw new OnboardingException(ApiError.ParameterInvalid, $"action must be one of {string.Join(", ", Actions.Keys)}.");
        }

        return new AuditQuery(start, end, Trimmed(staff), Trimmed(user), string.IsNullOrEmpty(action) ? null : action);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One audit entry as people read it.</summary>
/// <param name="Actor">The staff member's user id.</param>
/// <param name="Staff">The staff member's work email, or their id when the directory has none (signed in before it was kept).</param>
/// <param name="User">The user's email while their record exists; "erased user" after; null when the entry names nobody.</param>
public sealed record AuditLine(DateTimeOffset At, string Actor, string Staff, string ActorRoles, string Action, string ActionText,
    string? TargetUser, string? User, string? Detail);

/// <param name="SearchedBack">The month a page that stopped before it was full had searched back to (<see cref="AuditPage.SearchedBack"/>).</param>
public sealed record AuditLinePage(IReadOnlyList<AuditLine> Lines, string? Continuation, DateTimeOffset? SearchedBack = null);

/// <summary>
/// The audit log for operators, by name: staff from the staff directory, users from their records
/// (their email while the record exists, "erased user" after — the log itself never holds a name),
/// filtered by staff member, user, action and window, a page at a time or as CSV.
/// </summary>
public sealed class AuditLines(AuditTrail trail, StaffDirectory directory, UserAddresses addresses, EmailIndex emails)
{
    public const string ErasedUser = "erased user";

    /// <summary>A user whose provider gave no address.</summary>
    public const string NoEmail = "(no email)";

    public async Task<AuditLinePage> ReadAsync(Tenant tenant, AuditQuery query, string? continuation, int pageSize,
        CancellationToken cancellationToken)
    {
        // The directory names the page's staff; it is waited for first only when a staff filter is an address.
        var directoryRead = directory.ReadAllAsync(tenant.Id, cancellationToken);
        var actors = query.Staff is { } filter && filter.Contains('@', StringComparison.Ordinal) ? ActorsOf(filter, await directoryRead) : ActorsOf(query.Staff, NoStaff);
        var match = new AuditMatch(actors, await UsersOfAsync(tenant.Id, query.User, cancellationToken), query.Action);
        var page = await trail.ReadAsync(tenant.Id, query.From, query.To, continuation, pageSize, cancellationToken, match);
        return new AuditLinePage(await NameAsync(tenant.Id, page.Entries, await directoryRead, cancellationToken), page.Continuation, page.SearchedBack);
    }

    private static readonly Dictionary<string, string> NoStaff = [];

    /// <summary>The CSV header of <see cref="CsvRowsAsync"/>.</summary>
    public static readonly string CsvHeader = Csv.Row(["at_utc", "staff", "staff_id", "staff_roles", "action", "action_text", "user_id", "detail"]);

    /// <summary>
    /// Every matching entry as an RFC 4180 row (formula-safe), newest first, as storage gives them:
    /// no cap, memory flat whatever the window holds. Staff are named (from the directory, read once);
    /// users by their id only — a year of the log must not become a file of everyone's addresses; the
    /// page names them a page at a time, and a filter by a person's email finds their entries.
    /// </summary>
    public async IAsyncEnumerable<string> CsvRowsAsync(Tenant tenant, AuditQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var staff = await directory.ReadAllAsync(tenant.Id, cancellationToken);
        var match = new AuditMatch(ActorsOf(query.Staff, staff), await UsersOfAsync(tenant.Id, query.User, cancellationToken), query.Action);
        string? continuation = null;
        do
        {
            var page = await trail.ReadAsync(tenant.Id, query.From, query.To, continuation, 1000, cancellationToken, match, maxRequests: int.MaxValue);
            foreach (var e in page.Entries)
            {
                yield return Csv.Row([e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Csv.Text(staff.GetValueOrDefault(e.Actor, e.Actor)),
                    e.Actor, Csv.Text(e.ActorRoles), e.Action, Csv.Text(AuditQuery.Actions.GetValueOrDefault(e.Action, e.Action)), e.TargetUser ?? "",
                    Csv.Text(e.Detail)]);
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <summary>A staff filter as actor ids: an address through the directory (none known: matches nothing), else an id.</summary>
    private static List<string>? ActorsOf(string? filter, IReadOnlyDictionary<string, string> staff) =>
        filter is null ? null
        : filter.Contains('@', StringComparison.Ordinal)
            ? staff.Where(s => string.Equals(s.Value, filter, StringComparison.OrdinalIgnoreCase)).Select(s => s.Key).ToList()
            : [filter];

    /// <summary>A user filter as user ids: an address through the email index (exact, as the search), else an id.</summary>
    private async Task<IReadOnlyCollection<string>?> UsersOfAsync(string tenantId, string? filter, CancellationToken cancellationToken) =>
        filter is null ? null
        : filter.Contains('@', StringComparison.Ordinal) ? await emails.FindAsync(tenantId, filter, cancellationToken)
        : [filter];

    private async Task<IReadOnlyList<AuditLine>> NameAsync(string tenantId, IReadOnlyList<AuditEntry> entries,
        IReadOnlyDictionary<string, string> staff, CancellationToken cancellationToken)
    {
        var ids = entries.Select(e => e.TargetUser).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = await addresses.FindAsync(tenantId, ids, cancellationToken);
        var userNames = ids.ToDictionary(id => id, id => found.TryGetValue(id, out var email) ? email ?? NoEmail : ErasedUser, StringComparer.Ordinal);
        return entries.Select(e => new AuditLine(e.At, e.Actor, staff.GetValueOrDefault(e.Actor, e.Actor), e.ActorRoles, e.Action,
            AuditQuery.Actions.GetValueOrDefault(e.Action, e.Action), e.TargetUser,
            e.TargetUser is null ? null : userNames[e.TargetUser], e.Detail)).ToList();
    }
}
