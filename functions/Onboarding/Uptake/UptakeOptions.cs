using System.ComponentModel.DataAnnotations;

namespace Onboarding.Uptake;

/// <summary>Settings of the uptake counting (<c>Uptake:*</c>).</summary>
public sealed class UptakeOptions : IValidatableObject
{
    public const string Section = "Uptake";

    /// <summary>
    /// How often an instance writes the failed sign-ins it tallied in memory to its own shard rows
    /// (<see cref="FailureShards"/>), and so what a crash of the instance can lose: the failures of at
    /// most this long before it (100 ms to 1 minute; default 2 seconds). An idle instance writes nothing.
    /// </summary>
    public TimeSpan FailureFlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <remarks>Checked here rather than with <c>[Range(typeof(TimeSpan), …)]</c>, which is not thread-safe (see SignInOptions).</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FailureFlushInterval < TimeSpan.FromMilliseconds(100) || FailureFlushInterval > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("Uptake:FailureFlushInterval must be from 00:00:00.1 to 00:01:00.", [nameof(FailureFlushInterval)]);
        }
    }
}
