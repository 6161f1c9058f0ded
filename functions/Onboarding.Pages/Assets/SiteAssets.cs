namespace Onboarding.Pages.Assets;

/// <summary>The static files the pages link to, embedded in this assembly and read once.</summary>
public sealed class SiteAssets
{
    private readonly Dictionary<string, Asset> _byName = new(StringComparer.Ordinal)
    {
        ["site.css"] = new(Read("site.css"), "text/css; charset=utf-8"),
    };

    /// <summary>The named file, or null for a name that is not one of ours.</summary>
    public Asset? Find(string? name) => name is not null && _byName.TryGetValue(name, out var asset) ? asset : null;

    private static byte[] Read(string name)
    {
        using var stream = typeof(SiteAssets).Assembly.GetManifestResourceStream("Onboarding.Pages.Assets." + name)
            ?? throw new InvalidOperationException($"The asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

public sealed record Asset(byte[] Content, string ContentType);
