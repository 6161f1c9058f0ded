using Azure;
using Azure.Data.Tables;

namespace Onboarding.Storage;

/// <summary>The keys and concurrency token every stored entity has.</summary>
public abstract class TableRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
}
