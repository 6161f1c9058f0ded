using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Onboarding.Staff;

namespace Onboarding.Functions.Staff;

/// <summary>
/// Whether a GET may run a look-up with the staff session (and so write an audit entry): only one
/// the staff page made in this session (<see cref="StaffLookUps"/>), and never from a link another
/// site's page followed.
/// </summary>
public sealed partial class LookUpOrigin(StaffLookUps lookUps, ILogger<LookUpOrigin> logger)
{
    /// <summary>
    /// The look-up the request's <c>q</c> names, when it is one of this session's and the browser does
    /// not say it comes from another site; null otherwise, with the refusal logged with its reason
    /// (never the query, which may hold an email).
    /// </summary>
    /// <param name="where">Where the look-up was asked, for the log (<c>staff page</c>, <c>support API</c>).</param>
    public StaffLookUp? Open(HttpRequest request, StaffSession session, string where)
    {
        var site = request.Headers["Sec-Fetch-Site"];
        var lookUp = lookUps.Open(session, request.Query[StaffLookUps.Parameter]);
        var reason = RefusalOf(site.Count == 0 ? null : site.ToString(), lookUp is not null);
        if (reason is null)
        {
            return lookUp;
        }

        LogLookUpRefused(session.TenantId, where, reason);
        return null;
    }

    /// <summary>Logs a look-up asked in the address itself (<c>?email=</c>, …), which the staff page never runs.</summary>
    public void RefuseInAddress(StaffSession session, string field) =>
        LogLookUpRefused(session.TenantId, "staff page", $"a look-up in the address ({field}=), not one the page made");

    /// <summary>
    /// Why a look-up request may not run, or null when it may. Fetch Metadata says where the browser
    /// sends it from: <c>cross-site</c> and <c>same-site</c> never run, even with a genuine look-up (a
    /// value taken from a Referer); <c>same-origin</c>, <c>none</c> (typed, bookmarked) and no header at
    /// all (browsers before it) run with a look-up sealed to this session.
    /// </summary>
    public static string? RefusalOf(string? secFetchSite, bool sealedToThisSession) => secFetchSite switch
    {
        "cross-site" or "same-site" => $"Sec-Fetch-Site is {secFetchSite}",
        "same-origin" or "none" or null => sealedToThisSession ? null : "no look-up sealed to this session (another session's, expired, or none)",
        _ => "Sec-Fetch-Site has an unknown value",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff look-up ({Where}) in tenant {Tenant} not run: {Reason}")]
    private partial void LogLookUpRefused(string tenant, string where, string reason);
}
