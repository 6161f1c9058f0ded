using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.Functions.Staff;
using Onboarding.SignIn;
using Onboarding.Staff;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Functions.Http;

/// <summary>How a person may prove who they are to an endpoint.</summary>
public enum PersonProof
{
    /// <summary>A bearer token (scripts) or the browser session (pages).</summary>
    BearerOrSession,

    /// <summary>The browser session only: the person's pages.</summary>
    Session,

    /// <summary>
    /// A bearer token only: a DELETE that a browser session could make could be forged by another
    /// site; browsers erase through the confirmation form, which carries an anti-forgery token.
    /// </summary>
    Bearer,
}

/// <summary>What a staff page accepts, and what it shows a browser that is not signed in.</summary>
/// <param name="Right">The right the page needs; null when any staff role opens it and the page decides per view.</param>
/// <param name="AcceptsBearer">Whether a bearer token opens it too (the reports page, for scripts that
/// fetch it); the staff page needs the session (its forms and links carry the session's tokens).</param>
public sealed record StaffPageAccess(string SignInTitle, StaffRight? Right, bool AcceptsBearer)
{
    public static StaffPageAccess StaffPage { get; } = new("Staff sign-in", null, AcceptsBearer: false);

    public static StaffPageAccess Reports { get; } = new("Reports sign-in", StaffRight.ReadReports, AcceptsBearer: true);
}

/// <summary>The browser's sessions of a tenant that came with a sign-out form.</summary>
public sealed record BrowserSessions(UserSession? Person, StaffSession? Staff)
{
    public bool None => Person is null && Staff is null;
}

/// <summary>
/// Who is calling, worked out from the request's credentials in one place (the responder calls it
/// for every function): a person by bearer token or session, staff with a named right, the
/// deployment operator. The anti-forgery token of the pages' forms is checked here too.
/// </summary>
public sealed partial class Callers(
    SelfAuthenticator people,
    BearerAuthenticator bearer,
    StaffAuthenticator staff,
    LookUpOrigin origin,
    DeploymentOperators operators,
    UserSessions sessions,
    StaffSessions staffSessions,
    BrowserCookies cookies,
    ILogger<Callers> logger)
{
    public Task<BearerCaller> BearerAsync(HttpRequest request, string tenant, CancellationToken cancellationToken) =>
        bearer.AuthenticateAsync(tenant, request.Headers.Authorization, cancellationToken);

    public Task<PersonCaller> PersonAsync(HttpRequest request, string tenant, PersonProof proof, CancellationToken cancellationToken) =>
        people.IdentifyAsync(tenant,
            proof == PersonProof.Session ? null : request.Headers.Authorization.ToString(),
            proof == PersonProof.Bearer ? null : cookies.ReadSession(request, tenant),
            cancellationToken);

    /// <summary>
    /// A form of the person's pages: their session, and the form, which must carry the session's
    /// anti-forgery token (a form posted from another site has none, whatever cookies came with it).
    /// </summary>
    public async Task<(PersonCaller Person, IFormCollection Form)> PersonFormAsync(HttpRequest request, string tenant, string refusal,
        CancellationToken cancellationToken)
    {
        var person = await PersonAsync(request, tenant, PersonProof.Session, cancellationToken);
        var form = await Forms.ReadAsync(request, cancellationToken);
        if (!sessions.IsValidAntiForgeryToken(person.Session!, form[Routes.AntiForgeryField]))
        {
            LogForgedForm(tenant, "person");
            throw new OnboardingException(ApiError.ParameterInvalid, refusal);
        }

        return (person, form);
    }

    /// <summary>
    /// Staff with <paramref name="right"/>: a bearer token, or the staff session. A look-up
    /// (<see cref="StaffRight.LookUpUsers"/>) with the session alone runs only one the staff page made
    /// in this session (its CSV links: <see cref="LookUpOrigin"/>), returned here; scripts use a bearer token.
    /// </summary>
    public async Task<(StaffMember Member, StaffLookUp? LookUp)> StaffAsync(HttpRequest request, string tenant, StaffRight right,
        CancellationToken cancellationToken)
    {
        var member = await staff.AuthenticateAsync(tenant, request.Headers.Authorization.ToString(), cookies.ReadStaff(request, tenant), right,
            cancellationToken);
        if (right != StaffRight.LookUpUsers || member.Session is not { } session)
        {
            return (member, null);
        }

        return origin.Open(request, session, "support API") is { } lookUp
            ? (member, lookUp)
            : throw new OnboardingException(ApiError.PermissionsInsufficient,
                "A look-up with the staff session runs only from the staff page's own links; scripts use a bearer token.");
    }

    /// <summary>
    /// Staff with <paramref name="right"/> for a change through the support API (re-check, erase): the
    /// bearer token only. The staff cookie is ignored here, so another site's form cannot act with it;
    /// the staff page changes things through its own forms, with an anti-forgery token.
    /// </summary>
    public Task<StaffMember> StaffChangeAsync(HttpRequest request, string tenant, StaffRight right, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(request.Headers.Authorization)
            ? throw new OnboardingException(ApiError.AuthenticationRequired,
                "Changes through the support API need a bearer token; the staff page has its own forms.")
            : staff.AuthenticateAsync(tenant, request.Headers.Authorization.ToString(), null, right, cancellationToken);

    /// <summary>
    /// The staff member a staff page is for, or null when the browser brings no staff session of this
    /// tenant (nor, where the page takes one, a bearer token): then the page asks them to sign in.
    /// </summary>
    public async Task<StaffMember?> StaffPageAsync(HttpRequest request, string tenant, StaffPageAccess access, CancellationToken cancellationToken)
    {
        var authorization = access.AcceptsBearer ? request.Headers.Authorization.ToString() : null;
        var cookie = cookies.ReadStaff(request, tenant);
        if (string.IsNullOrEmpty(authorization) && staffSessions.Read(cookie)?.TenantId != tenant)
        {
            return null;
        }

        return access.Right is { } right
            ? await staff.AuthenticateAsync(tenant, authorization, cookie, right, cancellationToken)
            : await staff.AuthenticateAnyAsync(tenant, authorization, cookie, cancellationToken);
    }

    /// <summary>
    /// A form of the staff page, checked before anything else is done for it: the form, when it
    /// carries the anti-forgery token of the staff session that came with it; null when no staff
    /// session of this tenant came (the page asks them to sign in). Then the member, as for the page.
    /// </summary>
    /// <remarks>The staff page's forms take the session only, never a bearer token: a bearer token is
    /// never sent by a browser on its own, so scripts use the support API, where no form exists to
    /// forge. The Lax session cookie does come with a POST from a sibling site (same-site), which is
    /// why the form must also carry the token only the page could have put in it — checked before the
    /// session's access token goes to the provider, so a forged form costs nothing but its reading.</remarks>
    public async Task<(StaffMember Member, IFormCollection Form)?> StaffFormAsync(HttpRequest request, string tenant,
        CancellationToken cancellationToken)
    {
        if (staffSessions.Read(cookies.ReadStaff(request, tenant)) is not { } session || session.TenantId != tenant)
        {
            return null;
        }

        var form = await Forms.ReadAsync(request, cancellationToken);
        if (!staffSessions.IsValidAntiForgeryToken(session, form[Routes.AntiForgeryField]))
        {
            LogForgedForm(tenant, "staff");
            throw new OnboardingException(ApiError.ParameterInvalid, "This form came from another page. Nothing was done.");
        }

        return await StaffPageAsync(request, tenant, StaffPageAccess.StaffPage, cancellationToken) is { } member ? (member, form) : null;
    }

    /// <summary>The deployment-wide operator (a bearer token of the operators' tenant with their entitlement).</summary>
    public Task OperatorAsync(HttpRequest request, CancellationToken cancellationToken) =>
        operators.AuthorizeAsync(request.Headers.Authorization, cancellationToken);

    /// <summary>
    /// The sessions a sign-out form ends: the person's and the staff member's of this tenant in this
    /// browser. When one came, the form must carry the anti-forgery token of one of them, so another
    /// site cannot sign people out; when none came (a cross-site POST carries no Lax cookie), there is
    /// nothing to end.
    /// </summary>
    public async Task<BrowserSessions> SignOutFormAsync(HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        var token = (await Forms.ReadAsync(request, cancellationToken))[Routes.AntiForgeryField].ToString();
        var person = sessions.Read(tenant, cookies.ReadSession(request, tenant));
        var member = staffSessions.Read(cookies.ReadStaff(request, tenant)) is { } s && s.TenantId == tenant ? s : null;
        var found = new BrowserSessions(person, member);
        if (!found.None
            && !(person is not null && sessions.IsValidAntiForgeryToken(person, token))
            && !(member is not null && staffSessions.IsValidAntiForgeryToken(member, token)))
        {
            LogForgedForm(tenant, "sign-out");
            throw new OnboardingException(ApiError.ParameterInvalid, "This sign-out came from another page. You are still signed in.");
        }

        return found;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Form ({Form}) in tenant {Tenant} refused: its anti-forgery token is missing or not the session's")]
    private partial void LogForgedForm(string tenant, string form);
}
