using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.Functions.Http;
using Onboarding.Staff;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

/// <summary>
/// Whether a GET that looks someone up with the staff session (and so writes an audit entry) came
/// from the service's own pages, not from a link on another site.
/// </summary>
public sealed partial class LookUpOrigin(StaffSessions sessions, ILogger<LookUpOrigin> logger)
{
    /// <summary>The query parameter of the staff page's own look-up links and search form (see <see cref="RefusalOf"/>).</summary>
    public const string LinkTokenParameter = Routes.StaffLinkToken;

    /// <summary>
    /// Whether a GET that runs an audited look-up with the staff session came from the service's own
    /// pages; a refusal is logged with its reason (never the query, which may hold an email).
    /// </summary>
    /// <remarks>The staff cookie is SameSite=Lax, so a link on another site would make a signed-in staff
    /// member's browser run (and audit) a look-up they did not ask for. The staff page's links and
    /// search form carry <see cref="LinkTokenParameter"/> for browsers that send no Fetch Metadata.</remarks>
    /// <param name="lookUp">What kind of look-up it is, for the log (<c>email</c>, <c>user</c>, …).</param>
    public bool IsFromOwnPages(HttpRequest request, StaffSession session, string lookUp)
    {
        var site = request.Headers["Sec-Fetch-Site"];
        var reason = RefusalOf(site.Count == 0 ? null : site.ToString(),
            () => sessions.IsValidLinkToken(session, request.Query[LinkTokenParameter]));
        if (reason is null)
        {
            return true;
        }

        LogLookUpRefused(session.TenantId, lookUp, reason);
        return false;
    }

    /// <summary>
    /// Why a look-up request is not from the service's own pages, or null when it is. Fetch Metadata
    /// decides where the browser sends it: <c>same-origin</c> (the page's links and forms) and
    /// <c>none</c> (typed, bookmarked) run; <c>cross-site</c>, <c>same-site</c> and anything else do not.
    /// Without the header (browsers before it), only with the session's link token.
    /// </summary>
    public static string? RefusalOf(string? secFetchSite, Func<bool> hasValidLinkToken) => secFetchSite switch
    {
        "same-origin" or "none" => null,
        "cross-site" or "same-site" => $"Sec-Fetch-Site is {secFetchSite}",
        null => hasValidLinkToken() ? null : "no Sec-Fetch-Site and no valid link token",
        _ => "Sec-Fetch-Site has an unknown value",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff look-up ({LookUp}) in tenant {Tenant} not run: it did not come from the service's own pages ({Reason})")]
    private partial void LogLookUpRefused(string tenant, string lookUp, string reason);
}
