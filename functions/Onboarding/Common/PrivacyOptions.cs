using System.ComponentModel.DataAnnotations;

namespace Onboarding.Common;

public sealed class PrivacyOptions : IValidatableObject
{
    public const string Section = "Privacy";

    /// <summary>
    /// A deployment secret (base64, at least 32 random bytes) for keyed hashes of personal values:
    /// pseudonymous references in logs. Make one with <c>openssl rand -base64 32</c>.
    /// </summary>
    public string HmacSecret { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        byte[]? key = null;
        try
        {
            key = string.IsNullOrEmpty(HmacSecret) ? null : Convert.FromBase64String(HmacSecret);
        }
        catch (FormatException)
        {
        }

        if (key is not { Length: >= 32 })
        {
            yield return new ValidationResult(
                "Privacy:HmacSecret must be base64 of at least 32 random bytes (openssl rand -base64 32).",
                [nameof(HmacSecret)]);
        }
    }
}
