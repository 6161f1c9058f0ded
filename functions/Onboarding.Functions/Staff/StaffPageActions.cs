using Microsoft.AspNetCore.Http;
using Onboarding.Common;
using Onboarding.Staff;
using Onboarding.Status;
using Onboarding.Tenants;

namespace Onboarding.Functions.Staff;

/// <summary>
/// The staff page's forms: search, re-check or erase, then back to the page with what happened
/// (post/redirect/get). A search is run by the page it redirects to, from a look-up sealed to the
/// session (<see cref="StaffLookUps"/>): the address holds neither the form's token nor what was searched.
/// </summary>
public sealed class StaffPageActions(StaffAuthenticator authenticator, StaffLookUps lookUps, SupportService support)
{
    /// <summary>Does what the form asks; returns the page to go back to.</summary>
    public async Task<string> ActAsync(StaffMember staff, IFormCollection form, CancellationToken cancellationToken)
    {
        var userId = form["user"].ToString();
        var tenant = staff.Tenant.Id;
        switch (form["action"].ToString())
        {
            case "search":
                authenticator.Require(staff, StaffRight.LookUpUsers);
                return StaffSearch.TryCreate(form["email"], form["institution"], form["country"], out var problem) is { } search
                    ? Routes.StaffLookUp(tenant, lookUps.Seal(staff.Session!, search.ToLookUp()),
                        form["sort"].ToString() is { Length: > 0 } sort ? "&sort=" + Uri.EscapeDataString(sort) : "")
                    : $"{Routes.Staff(tenant)}?problem={problem}";
            case "recheck":
                var rechecked = await support.RecheckAsync(authenticator.Require(staff, StaffRight.RecheckUsers), userId, cancellationToken);
                return Routes.StaffLookUp(tenant, lookUps.Seal(staff.Session!, new StaffLookUp(StaffLookUp.User, userId)),
                    $"&done=recheck&changed={Uri.EscapeDataString(StepChanges.Write(rechecked.Changes ?? []))}");
            case "erase" when form["confirm"] == "yes":
                await support.EraseAsync(authenticator.Require(staff, StaffRight.EraseUsers), userId, cancellationToken);
                return $"{Routes.Staff(tenant)}?done=erased";
            default:
                throw new OnboardingException(ApiError.ParameterInvalid, "Unknown or unconfirmed action. Nothing was done.");
        }
    }
}
