using System.Globalization;
using System.Text;
using Onboarding.Functions.Status;
using Onboarding.Staff;
using static Onboarding.Functions.Http.Html;

namespace Onboarding.Functions.Staff;

/// <summary>The staff page's parts, server-rendered. Every value goes through <see cref="E"/>; no script is needed.</summary>
public static class StaffPages
{
    public static string Base(string tenant) => $"/api/tenants/{Uri.EscapeDataString(tenant)}/staff";

    public static string SignIn(string tenant, string displayName) => $"""
        <main><h1>Staff — {E(displayName)}</h1>
        <p>Support staff and operators sign in with their research login; the staff role comes from their entitlements.</p>
        <p><a class="button" href="/api/tenants/{E(tenant)}/login?for=staff">Sign in as staff</a></p></main>
        """;

    public static string Header(StaffMember staff) => $"""
        <header><h1>Staff — {E(staff.Tenant.DisplayName)}</h1>
        <p>Signed in as staff ({E(string.Join(", ", staff.Roles.Order()).ToLowerInvariant())}).
        <a href="{Base(staff.Tenant.Id)}">Search</a>{(StaffPolicy.Allows(staff.Roles, StaffRight.ReadAudit) ? $" · <a href=\"{Base(staff.Tenant.Id)}?view=audit\">Audit log</a> · <a href=\"/api/tenants/{E(staff.Tenant.Id)}/reports\">Reports</a>" : "")}</p></header>
        """;

    public static string SearchForm(string tenant) => $"""
        <form method="get" action="{Base(tenant)}" class="search">
          <label>Email <input type="email" name="email"></label>
          <label>Institution <input name="institution" placeholder="vito.be"></label>
          <label>Country <input name="country" size="2" placeholder="BE"></label>
          <button type="submit">Search</button>
        </form>
        <p><small>Fill in one field. Email matches exactly.</small></p>
        """;

    public static string Results(string tenant, SupportUserPage page, string nextQuery)
    {
        if (page.Users.Count == 0)
        {
            return "<p class=\"empty\">No user found.</p>";
        }

        var html = new StringBuilder("<table class=\"results\"><thead><tr><th>Email</th><th>Institution</th><th>Country</th><th>Ready</th><th>Last sign-in</th></tr></thead><tbody>");
        foreach (var view in page.Users)
        {
            var u = view.User;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"{Base(tenant)}?user={E(u.UserId)}\">{E(u.Email ?? "(no email)")}</a></td><td>{E(u.Institution ?? "unknown")}</td>")
                .Append(CultureInfo.InvariantCulture,
                $"<td>{E(u.Country ?? "?")}</td><td>{(view.Status.Ready ? "yes" : "no")}</td><td>{E(Day(u.LastSignInAt))}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (page.Continuation is { } next)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{Base(tenant)}?{E(nextQuery)}&amp;continuation={E(Uri.EscapeDataString(next))}\">Next page</a></p>");
        }

        return html.ToString();
    }

    public static string User(StaffMember staff, SupportUserView view, string csrf)
    {
        var u = view.User;
        var tenant = staff.Tenant.Id;
        return $"""
            <section class="user" data-user="{E(u.UserId)}">
              <h2>{E(u.Email ?? "(no email)")}</h2>
              <dl>
                <dt>Institution</dt><dd>{E(u.Institution ?? "unknown")}</dd>
                <dt>Country</dt><dd>{E(u.Country ?? "unknown")}</dd>
                <dt>Signed in</dt><dd>{u.SignInCount} time(s); first {E(Day(u.FirstSignInAt))}, last {E(Day(u.LastSignInAt))}</dd>
                <dt>Data expires</dt><dd>{E(Day(u.ExpiresAt))}</dd>
                <dt>User id</dt><dd><code>{E(u.UserId)}</code></dd>
              </dl>
              {StatusHtml.Steps(view.Status)}
              <form method="post" action="{Base(tenant)}">
                <input type="hidden" name="csrf" value="{E(csrf)}"><input type="hidden" name="user" value="{E(u.UserId)}">
                <button type="submit" name="action" value="recheck">Re-check partner accounts</button>
              </form>
              <p><a href="{Base(tenant)}?user={E(u.UserId)}&amp;confirm=erase">Erase this user…</a></p>
            </section>
            """;
    }

    public static string ConfirmErase(StaffMember staff, SupportUserView view, string csrf) => $"""
        <section class="confirm">
          <h2>Erase {E(view.User.Email ?? view.User.UserId)}?</h2>
          <p>This deletes the record, the email index row, the expiry entry and the partner re-check at once. It cannot be undone.</p>
          <form method="post" action="{Base(staff.Tenant.Id)}">
            <input type="hidden" name="csrf" value="{E(csrf)}"><input type="hidden" name="user" value="{E(view.User.UserId)}">
            <input type="hidden" name="confirm" value="yes">
            <button type="submit" name="action" value="erase">Yes, erase</button>
            <a href="{Base(staff.Tenant.Id)}?user={E(view.User.UserId)}">Cancel</a>
          </form>
        </section>
        """;

    public static string Audit(AuditPage page)
    {
        var html = new StringBuilder("<h2>Audit log</h2><table class=\"audit\"><thead><tr><th>When (UTC)</th><th>Staff</th><th>Roles</th><th>Action</th><th>User</th><th>Detail</th></tr></thead><tbody>");
        foreach (var e in page.Entries)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td><td><code>{E(e.Actor)}</code></td><td>{E(e.ActorRoles)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(e.Action)}</td><td><code>{E(e.TargetUser ?? "")}</code></td><td>{E(e.Detail ?? "")}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    public static string Notice(string? done) => done switch
    {
        "recheck" => "<p class=\"notice\">Partner accounts re-checked.</p>",
        "erased" => "<p class=\"notice\">The user was erased.</p>",
        _ => "",
    };

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
