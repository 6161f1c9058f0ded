using Onboarding.Common;
using Onboarding.Privacy;
using Onboarding.SignIn;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Users;

/// <summary>Who is asking about themselves: proven by a bearer token, or by a browser session after sign-in.</summary>
public sealed record Self(Tenant Tenant, string UserId, UserSession? Session);

/// <summary>
/// The person's own rights over their data: see where they stand, get everything stored about them,
/// and erase it. Scripts prove who they are with a bearer token; browsers with the short session
/// the callback set.
/// </summary>
public sealed class SelfService(
    TenantCatalog tenants,
    BearerAuthenticator bearer,
    IdentityResolver identities,
    UserSessions sessions,
    UserStore users,
    DataExport export,
    UserEraser eraser)
{
    public async Task<Self> IdentifyAsync(string tenantId, string? authorization, string? sessionCookie,
        CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        if (!string.IsNullOrEmpty(authorization))
        {
            var caller = await bearer.AuthenticateAsync(tenantId, authorization, cancellationToken);
            return new Self(tenant, (await identities.ResolveAsync(tenant, caller.Claims, cancellationToken)).UserId, null);
        }

        return sessions.Read(tenantId, sessionCookie) is { } session
            ? new Self(tenant, session.UserId, session)
            : throw new OnboardingException(ApiError.AuthenticationRequired,
                "Sign in again to see or change your data (your session lasts 30 minutes).");
    }

    public async Task<RecordedSignIn?> StatusAsync(Self self, CancellationToken cancellationToken) =>
        await users.FindAsync(self.Tenant.Id, self.UserId, cancellationToken) is { } user
            ? new RecordedSignIn(user, false, StatusSteps.Describe(self.Tenant, user.Status, user.FirstSignInAt))
            : null;

    public Task<PersonalData?> DataAsync(Self self, CancellationToken cancellationToken) =>
        export.ExportAsync(self.Tenant, self.UserId, cancellationToken);

    /// <summary>Erases the person's data in this tenant. Repeating it is fine.</summary>
    public Task EraseAsync(Self self, CancellationToken cancellationToken) =>
        eraser.EraseAsync(self.Tenant.Id, self.UserId, "erased on the person's request", cancellationToken);
}
