using System.Text.Json;
using Onboarding.Common;
using Onboarding.Tenants;

namespace Onboarding.Users;

/// <summary>Who a bearer token's claims are: the user id, and the profile when the claims carry the user key.</summary>
public sealed record ResolvedIdentity(string UserId, SignInProfile? Profile);

/// <summary>
/// Finds the person a token belongs to: by the tenant's user-key claim, or — for tokens of clients
/// that did not ask for that scope — by the <c>sub</c> seen with it at an earlier sign-in. Never by
/// email, and never a second record for one person because a client asked for fewer scopes.
/// </summary>
public sealed class IdentityResolver(SubjectAliases aliases)
{
    public async Task<ResolvedIdentity> ResolveAsync(Tenant tenant, JsonElement claims, CancellationToken cancellationToken)
    {
        if (ProfileMapper.Map(tenant, claims) is { } profile)
        {
            return new ResolvedIdentity(profile.UserId, profile);
        }

        if (tenant.UserKeyClaim != "sub" && ProfileMapper.Text(claims, "sub") is { Length: > 0 } sub
            && await aliases.FindAsync(tenant.Id, aliases.KeyOf(tenant.Issuer, sub), cancellationToken) is { } userId)
        {
            return new ResolvedIdentity(userId, null);
        }

        throw new OnboardingException(ApiError.TokenInvalid,
            $"This token carries no {tenant.UserKeyClaim} claim and its account has not signed in here with one before: "
            + $"ask for the '{tenant.UserKeyClaim}' scope, or sign in once through the platform's login page.");
    }
}
