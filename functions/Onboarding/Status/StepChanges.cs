using Onboarding.Tenants;
using Onboarding.Users;

namespace Onboarding.Status;

/// <summary>
/// A re-check's changes carried through the page's redirect (post/redirect/get) as
/// <c>step:before:after</c>, comma-separated: step ids and state names only, nothing personal.
/// Read back, only the tenant's own steps and real states are kept.
/// </summary>
public static class StepChanges
{
    public static string Write(IEnumerable<StepChange> changes) =>
        string.Join(',', changes.Select(c => $"{c.StepId}:{c.Before}:{c.After}"));

    public static IReadOnlyList<StepChange> Read(string? value, Tenant tenant)
    {
        var steps = tenant.Partners.Select(p => p.Id).Append(StatusSteps.Account).Append(StatusSteps.Membership).ToHashSet(StringComparer.Ordinal);
        return (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split(':'))
            .Where(p => p.Length == 3 && steps.Contains(p[0])
                && Enum.TryParse<StepState>(p[1], out var before) && Enum.IsDefined(before) && Enum.TryParse<StepState>(p[2], out var after) && Enum.IsDefined(after))
            .Select(p => new StepChange(p[0], Enum.Parse<StepState>(p[1]), Enum.Parse<StepState>(p[2])))
            .Take(steps.Count)
            .ToList();
    }
}
