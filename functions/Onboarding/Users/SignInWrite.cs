namespace Onboarding.Users;

/// <summary>A sign-in as written: the user after and before (null on a first sign-in), and whether it counted as one.</summary>
public sealed record SignInWrite(UserRecord User, UserRecord? Before, bool Counted);

/// <summary>
/// What goes with a sign-in's write. <see cref="BeforeWrite"/> runs on every attempt with the record as
/// just read (null for a new person), the life and the moment the record is written with, before the record is written: the indexes, so that a crash
/// leaves an index entry without its record and never the other way round. <see cref="Outbox"/> gives
/// the payloads of the work that goes into the record's own transaction (the uptake counting).
/// </summary>
public sealed record SignInEffects(
    Func<UserRecord? /* current */, string? /* life */, DateTimeOffset /* now */, CancellationToken, Task> BeforeWrite,
    Func<UserRecord? /* before */, UserRecord /* after */, bool /* counted */, IReadOnlyList<string>> Outbox);

/// <summary>A record as a caller just read it (<see cref="Entity"/> null: there is none), so a write need not read it again.</summary>
public sealed record UserRead(UserEntity? Entity);
