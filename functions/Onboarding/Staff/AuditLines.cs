using System.Globalization;
using System.Text;
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

public sealed record AuditLinePage(IReadOnlyList<AuditLine> Lines, string? Continuation);

/// <summary>
/// The audit log for operators, by name: staff from the staff directory, users from their records
/// (their email while the record exists, "erased user" after — the log itself never holds a name),
/// filtered by staff member, user, action and window, a page at a time or as CSV.
/// </summary>
public sealed class AuditLines(AuditTrail trail, StaffDirectory directory, UserStore users, EmailIndex emails)
{
    public const string ErasedUser = "erased user";

    /// <summary>A user whose provider gave no address.</summary>
    public const string NoEmail = "(no email)";

    /// <summary>At most this many rows in one CSV export; a longer window is exported in parts.</summary>
    public const int MaxCsvRows = 10_000;

    public async Task<AuditLinePage> ReadAsync(Tenant tenant, AuditQuery query, string? continuation, int pageSize,
        CancellationToken cancellationToken)
    {
        var staff = await directory.ReadAllAsync(tenant.Id, cancellationToken);
        var match = new AuditMatch(ActorsOf(query.Staff, staff), await UsersOfAsync(tenant.Id, query.User, cancellationToken), query.Action);
        var page = await trail.ReadAsync(tenant.Id, query.From, query.To, continuation, pageSize, cancellationToken, match);
        return new AuditLinePage(await NameAsync(tenant.Id, page.Entries, staff, cancellationToken), page.Continuation);
    }

    /// <summary>The matching entries as RFC 4180 CSV (formula-safe), newest first, at most <see cref="MaxCsvRows"/>.</summary>
    public async Task<string> CsvAsync(Tenant tenant, AuditQuery query, CancellationToken cancellationToken)
    {
        var csv = new StringBuilder(Csv.Row(["at_utc", "staff", "staff_id", "staff_roles", "action", "action_text", "user", "user_id", "detail"]));
        string? continuation = null;
        var rows = 0;
        do
        {
            var page = await ReadAsync(tenant, query, continuation, Math.Min(500, MaxCsvRows - rows), cancellationToken);
            foreach (var l in page.Lines)
            {
                csv.Append(Csv.Row([l.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Csv.Text(l.Staff), l.Actor,
                    Csv.Text(l.ActorRoles), l.Action, Csv.Text(l.ActionText), Csv.Text(l.User), l.TargetUser ?? "", Csv.Text(l.Detail)]));
            }

            rows += page.Lines.Count;
            continuation = page.Continuation;
        }
        while (continuation is not null && rows < MaxCsvRows);

        return csv.ToString();
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
        // One point read per user named on the page, side by side.
        var ids = entries.Select(e => e.TargetUser).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = await Task.WhenAll(ids.Select(id => users.FindAsync(tenantId, id, cancellationToken)));
        var userNames = ids.Zip(found, (id, user) => (id, name: user is null ? ErasedUser : user.Email ?? NoEmail)).ToDictionary(p => p.id, p => p.name, StringComparer.Ordinal);
        return entries.Select(e => new AuditLine(e.At, e.Actor, staff.GetValueOrDefault(e.Actor, e.Actor), e.ActorRoles, e.Action,
            AuditQuery.Actions.GetValueOrDefault(e.Action, e.Action), e.TargetUser,
            e.TargetUser is null ? null : userNames[e.TargetUser], e.Detail)).ToList();
    }
}
