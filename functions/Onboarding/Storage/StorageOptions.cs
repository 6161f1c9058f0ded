using System.ComponentModel.DataAnnotations;

namespace Onboarding.Storage;

/// <summary>
/// Where the tables live: a connection string (Azurite, local runs) or a table service URI reached
/// with a managed identity (Azure). Exactly one of the two.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prefix for every table name, so several deployments or test runs can share an account.</summary>
    [RegularExpression("^[a-zA-Z][a-zA-Z0-9]{0,20}$|^$")]
    public string TablePrefix { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasConnectionString == (TableServiceUri is not null))
        {
            yield return new ValidationResult(
                "Set exactly one of Storage:ConnectionString (local) or Storage:TableServiceUri (managed identity).",
                [nameof(ConnectionString), nameof(TableServiceUri)]);
        }
    }
}
