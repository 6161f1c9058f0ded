namespace Onboarding.Users;

/// <summary>A user as the service knows them: ids, the three allowed attributes, and counters.</summary>
/// <param name="EmailVerified">Whether the provider verified <paramref name="Email"/> (null: it did not say).</param>
/// <param name="Life">The record's life (<see cref="UserEntity.Life"/>).</param>
public sealed record UserRecord(
    string TenantId,
    string UserId,
    string Issuer,
    string Subject,
    string? Email,
    string? Institution,
    string? Country,
    DateTimeOffset FirstSignInAt,
    DateTimeOffset LastSignInAt,
    int SignInCount,
    DateTimeOffset ExpiresAt,
    StoredStatus Status,
    string? AliasKey = null,
    bool? EmailVerified = null,
    string? Life = null);
