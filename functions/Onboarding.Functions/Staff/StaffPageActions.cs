using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Staff;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

/// <summary>The staff page's forms: re-check or erase a user, then back to the page with what happened (post/redirect/get).</summary>
public sealed class StaffPageActions(StaffAuthenticator authenticator, StaffSessions sessions, SupportService support)
{
    /// <summary>Does what the form asks; returns the page to go back to.</summary>
    public async Task<string> ActAsync(StaffMember staff, IFormCollection form, CancellationToken cancellationToken)
    {
        var userId = form["user"].ToString();
        var tenant = staff.Tenant.Id;
        switch (form["action"].ToString())
        {
            case "recheck":
                var rechecked = await support.RecheckAsync(authenticator.Require(staff, StaffRight.RecheckUsers), userId, cancellationToken);
                return Routes.StaffLookUp(tenant,
                    $"user={Uri.EscapeDataString(userId)}&done=recheck&changed={Uri.EscapeDataString(StepChanges.Write(rechecked.Changes ?? []))}",
                    sessions.LinkToken(staff.Session!));
            case "erase" when form["confirm"] == "yes":
                await support.EraseAsync(authenticator.Require(staff, StaffRight.EraseUsers), userId, cancellationToken);
                return $"{Routes.Staff(tenant)}?done=erased";
            default:
                throw new OnboardingException(ApiError.ParameterInvalid, "Unknown or unconfirmed action. Nothing was done.");
        }
    }
}
