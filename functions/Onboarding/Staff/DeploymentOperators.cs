using Microsoft.Extensions.Configuration;
using Onboarding.Common;
using Onboarding.SignIn;
using Onboarding.Users;

namespace Onboarding.Staff;

/// <summary>
/// The deployment-wide operator role, set in deployment settings rather than per tenant:
/// <c>Reports:OperatorTenant</c> names the tenant whose provider signs them in, and
/// <c>Reports:OperatorEntitlement</c> the entitlement that makes someone one.
/// </summary>
public sealed class DeploymentOperators(IConfiguration settings, BearerAuthenticator bearer)
{
    public async Task AuthorizeAsync(string? authorization, CancellationToken cancellationToken)
    {
        var tenant = settings["Reports:OperatorTenant"];
        var entitlement = settings["Reports:OperatorEntitlement"];
        if (string.IsNullOrEmpty(authorization))
        {
            throw new OnboardingException(ApiError.AuthenticationRequired);
        }

        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(entitlement))
        {
            throw new OnboardingException(ApiError.PermissionsInsufficient, "No deployment-wide operator is configured here.");
        }

        var caller = await bearer.AuthenticateAsync(tenant, authorization, cancellationToken);
        if (!ProfileMapper.Strings(caller.Claims, "eduperson_entitlement").Contains(entitlement, StringComparer.OrdinalIgnoreCase))
        {
            throw new OnboardingException(ApiError.PermissionsInsufficient);
        }
    }
}
