using Onboarding.Common;
using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.SignIn;

/// <summary>
/// Finds out which person is asking about themselves: scripts prove it with a bearer token, browsers
/// with the short session the callback set.
/// </summary>
public sealed class SelfAuthenticator(TenantCatalog tenants, BearerAuthenticator bearer, IdentityResolver identities, UserSessions sessions)
{
    public async Task<PersonCaller> IdentifyAsync(string tenantId, string? authorization, string? sessionCookie,
        CancellationToken cancellationToken)
    {
        var tenant = tenants.Get(tenantId);
        if (!string.IsNullOrEmpty(authorization))
        {
            var caller = await bearer.AuthenticateAsync(tenantId, authorization, cancellationToken);
            return new PersonCaller(tenant, (await identities.ResolveAsync(tenant, caller.Claims, cancellationToken)).UserId, null);
        }

        return sessions.Read(tenantId, sessionCookie) is { } session
            ? new PersonCaller(tenant, session.UserId, session)
            : throw new OnboardingException(ApiError.AuthenticationRequired,
                "Sign in again to see or change your data (your session lasts 30 minutes).");
    }
}
