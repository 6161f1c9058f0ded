using Onboarding.Tenants;

namespace Onboarding.Privacy;

/// <summary>
/// Records that a capability above this one keeps for a retention period of its own (the staff's
/// audit trail and directory): the daily purge runs each, for every tenant, after the users.
/// </summary>
public interface IRetainedRecords
{
    Task PurgeAsync(Tenant tenant, DateTimeOffset now, CancellationToken cancellationToken);
}
