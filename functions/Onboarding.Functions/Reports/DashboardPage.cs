using System.Globalization;
using System.Text;
using Onboarding.Functions.Staff;
using Onboarding.Staff;
using Onboarding.Uptake;
using static Onboarding.Functions.Http.Html;

namespace Onboarding.Functions.Reports;

/// <summary>The operators' dashboard, server-rendered: charts, top tables with suppression, CSV links.</summary>
public static class DashboardPage
{
    public static string Body(StaffMember staff, ReportQuery query, IReadOnlyList<MonthUptake> totals,
        IReadOnlyList<MonthUptake> byCountry, IReadOnlyList<MonthUptake> byInstitution)
    {
        var labels = totals.Select(m => m.Month).ToList();
        var range = $"from={query.From:yyyy-MM}&to={query.To:yyyy-MM}";
        var csv = $"/api/tenants/{Uri.EscapeDataString(staff.Tenant.Id)}/reports/uptake?{range}&format=csv";
        var funnel = new (string, long)[]
        {
            ("Signed in", totals.Sum(m => m.Totals.SignedIn)),
            ("VO member", totals.Sum(m => m.Totals.VoMember)),
            ("Partners linked", totals.Sum(m => m.Totals.PartnersLinked)),
            ("Ready", totals.Sum(m => m.Totals.Ready)),
        };
        return new StringBuilder()
            .Append("<main class=\"reports\">").Append(StaffPages.Header(staff))
            .Append(CultureInfo.InvariantCulture, $"<h2>Uptake</h2>")
            .Append(CultureInfo.InvariantCulture, $"<form method=\"get\"><label>From <input name=\"from\" value=\"{query.From:yyyy-MM}\" size=\"7\"></label> ")
            .Append(CultureInfo.InvariantCulture, $"<label>to <input name=\"to\" value=\"{query.To:yyyy-MM}\" size=\"7\"></label> <button>Show</button></form>")
            .Append(SvgCharts.Bars("Sign-ups and monthly active users", labels,
                [("Sign-ups", totals.Select(m => m.Totals.SignUps).ToList()), ("Active users", totals.Select(m => m.Totals.ActiveUsers).ToList())]))
            .Append(SvgCharts.Funnel("Onboarding funnel of the sign-ups in these months", funnel))
            .Append(Top("Top countries", "Country", byCountry, staff.Tenant.ReportSuppressBelow))
            .Append(Top("Top institutions", "Institution", byInstitution, staff.Tenant.ReportSuppressBelow))
            .Append(CultureInfo.InvariantCulture, $"<p>Download CSV: <a href=\"{E(csv)}\">totals</a> · <a href=\"{E(csv)}&amp;by=country\">by country</a> · ")
            .Append(CultureInfo.InvariantCulture, $"<a href=\"{E(csv)}&amp;by=institution\">by institution</a> · <a href=\"{E(csv)}&amp;by=role\">by role</a></p>")
            .Append(CultureInfo.InvariantCulture, $"<p><small>Counts below {staff.Tenant.ReportSuppressBelow} in a breakdown are shown as &lt;{staff.Tenant.ReportSuppressBelow}.</small></p></main>")
            .ToString();
    }

    /// <summary>The ten values with the most sign-ups over the months, with suppression applied.</summary>
    private static string Top(string title, string column, IReadOnlyList<MonthUptake> months, int suppressBelow)
    {
        var top = months.SelectMany(m => m.Breakdown)
            .GroupBy(b => b.Value)
            .Select(g => (Value: g.Key, SignUps: g.Sum(b => b.Counts.SignUps), Active: g.Sum(b => b.Counts.ActiveUsers), Ready: g.Sum(b => b.Counts.Ready)))
            // Ordered by what is shown, never by the hidden counts: the order would give them away.
            .OrderByDescending(t => t.SignUps < suppressBelow ? 0 : t.SignUps).ThenBy(t => t.Value, StringComparer.Ordinal).Take(10).ToList();
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<h2>{E(title)}</h2><table><thead><tr><th>{E(column)}</th><th>Sign-ups</th><th>Active user-months</th><th>Ready</th></tr></thead><tbody>");
        foreach (var t in top)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(t.Value)}</td><td>{Cell(t.SignUps, suppressBelow)}</td><td>{Cell(t.Active, suppressBelow)}</td><td>{Cell(t.Ready, suppressBelow)}</td></tr>");
        }

        return html.Append(top.Count == 0 ? "<tr><td colspan=\"4\">No sign-ups yet.</td></tr>" : "").Append("</tbody></table>").ToString();
    }

    private static string Cell(long n, int suppressBelow) => suppressBelow > 1 && n < suppressBelow ? $"&lt;{suppressBelow}" : n.ToString(CultureInfo.InvariantCulture);
}
