namespace Onboarding.Status;

/// <summary>
/// What was just learnt about a person: their membership (when claims were at hand) and the partner
/// link states (when partners were asked). Anything not observed keeps its stored state.
/// </summary>
public sealed record StatusObservation(Membership? Membership, IReadOnlyDictionary<string, LinkAnswer> Partners)
{
    public static StatusObservation Nothing { get; } = new(null, new Dictionary<string, LinkAnswer>());
}
