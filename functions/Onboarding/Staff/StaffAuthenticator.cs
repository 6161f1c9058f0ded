using Microsoft.Extensions.Logging;
using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Staff;

/// <summary>A staff member of one tenant, allowed what their roles allow there.</summary>
/// <param name="ActorId">The staff member's user id in this tenant (a hash of issuer and subject).</param>
public sealed record StaffMember(Tenant Tenant, string ActorId, IReadOnlySet<StaffRole> Roles, StaffSession? Session);

/// <summary>
/// Decides who may use the support and audit endpoints: a bearer token of the tenant's provider
/// (scripts) or the staff page's session (browsers), with the staff role the action needs. A role,
/// session or token of another tenant opens nothing here.
/// </summary>
public sealed partial class StaffAuthenticator(
    TenantCatalog tenants,
    BearerAuthenticator bearer,
    IdentityResolver identities,
    StaffSessions sessions,
    TokenRevocation revocation,
    StaffDirectory directory,
    ILogger<StaffAuthenticator> logger)
{
    public async Task<StaffMember> AuthenticateAsync(string tenantId, string? authorization, string? sessionCookie,
        StaffRight right, CancellationToken cancellationToken)
    {
        var member = await IdentifyAsync(tenants.Get(tenantId), authorization, sessionCookie, cancellationToken);
        return Require(member, right);
    }

    /// <summary>The member, if their roles grant <paramref name="right"/>; otherwise the refusal, logged.</summary>
    public StaffMember Require(StaffMember member, StaffRight right)
    {
        if (!StaffPolicy.Allows(member.Roles, right))
        {
            LogDenied(member.Tenant.Id, right.ToString());
            throw new OnboardingException(ApiError.PermissionsInsufficient);
        }

        return member;
    }

    /// <summary>Any staff member of the tenant, whatever their role (for pages that show what each role may do).</summary>
    public async Task<StaffMember> AuthenticateAnyAsync(string tenantId, string? authorization, string? sessionCookie,
        CancellationToken cancellationToken)
    {
        var member = await IdentifyAsync(tenants.Get(tenantId), authorization, sessionCookie, cancellationToken);
        if (member.Roles.Count == 0)
        {
            LogDenied(member.Tenant.Id, "any staff role");
            throw new OnboardingException(ApiError.PermissionsInsufficient);
        }

        return member;
    }

    private async Task<StaffMember> IdentifyAsync(Tenant tenant, string? authorization, string? sessionCookie,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(authorization))
        {
            var caller = await bearer.AuthenticateAsync(tenant.Id, authorization, cancellationToken);
            var identity = await identities.ResolveAsync(tenant, caller.Claims, cancellationToken);
            return await KnownAsync(new StaffMember(tenant, identity.UserId, RolesOf(tenant, caller.Claims), null), caller.Claims, cancellationToken);
        }

        if (sessions.Read(sessionCookie) is { } session)
        {
            // A genuine session of another tenant is a known staff member in the wrong place.
            if (session.TenantId != tenant.Id)
            {
                throw new OnboardingException(ApiError.PermissionsInsufficient);
            }

            var claims = await CurrentClaimsAsync(tenant, session, cancellationToken);
            return await KnownAsync(new StaffMember(tenant, session.ActorId, RolesOf(tenant, claims), session), claims, cancellationToken);
        }

        throw new OnboardingException(ApiError.AuthenticationRequired);
    }

    /// <summary>
    /// A staff member's work address and roles go to the staff directory (when they change, else at
    /// most daily per instance), so the audit log can name them and operators see who holds which
    /// right; a caller without a staff role here is written only when the directory knew them as staff.
    /// </summary>
    private async Task<StaffMember> KnownAsync(StaffMember member, System.Text.Json.JsonElement claims, CancellationToken cancellationToken)
    {
        await directory.RecordAsync(member.Tenant, member.ActorId, ProfileMapper.EmailOf(claims), member.Roles, cancellationToken);
        return member;
    }

    /// <summary>The staff roles the provider's answer gives, whoever asks (bearer or session).</summary>
    private static IReadOnlySet<StaffRole> RolesOf(Tenant tenant, System.Text.Json.JsonElement claims) =>
        tenant.Staff.RolesOf(ProfileMapper.Strings(claims, "eduperson_entitlement"));

    /// <summary>
    /// Ends a staff session: refused on this instance from now on, and its access token revoked at the
    /// provider (RFC 7009) where it offers that, which ends it on every other instance within a minute.
    /// </summary>
    public async Task EndSessionAsync(StaffSession session, CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(session.TenantId);
        bearer.Forget(tenant, session.AccessToken, session.ExpiresAt);
        await revocation.RevokeAsync(tenant, session.AccessToken, cancellationToken);
    }

    /// <summary>
    /// What the provider says now about the session's access token (at most a minute old): the roles
    /// come from it, not from the sign-in, and a token the provider no longer accepts ends the session.
    /// </summary>
    private async Task<System.Text.Json.JsonElement> CurrentClaimsAsync(Tenant tenant, StaffSession session, CancellationToken cancellationToken)
    {
        try
        {
            return (await bearer.ValidateAsync(tenant, session.AccessToken, cancellationToken)).Claims;
        }
        catch (OnboardingException e) when (e.Error == ApiError.TokenInvalid)
        {
            LogSessionEnded(tenant.Id);
            throw new OnboardingException(ApiError.AuthenticationRequired,
                "Your staff session has ended (signed out, or your account changed at the login service). Sign in again.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff session in tenant {Tenant} ended: the provider no longer accepts its access token (signed out, revoked or expired)")]
    private partial void LogSessionEnded(string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff access denied in tenant {Tenant}: {Right} not granted")]
    private partial void LogDenied(string tenant, string right);
}
