using System.Text.Json;

namespace Onboarding.Functions.Http;

/// <summary>The API speaks snake_case JSON, as openEO does.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
