namespace Onboarding.Tests.Architecture;

/// <summary>
/// The core's folders depend one way. Each may use only the folders listed before it; a use that goes
/// the other way (or a folder not placed here) fails with the code that makes it.
/// </summary>
public class CoreLayersTests
{
    /// <summary>Bottom first. See docs/architecture.md for what each layer is.</summary>
    public static readonly string[] Layers =
    [
        "Common", "Storage", "Tenants", "Users", "Uptake", "Status", "Privacy", "SignIn", "Staff", "Operations",
    ];

    private static readonly NamespaceGraph Core =
        NamespaceGraph.Read(typeof(Onboarding.Tenants.Tenant).Assembly.Location, "Onboarding");

    [Fact]
    public void EveryFolderOfTheCore_HasItsPlaceInTheLayers()
    {
        Assert.Empty(Core.Folders.Except(Layers, StringComparer.Ordinal));
    }

    [Fact]
    public void NoFolder_UsesOneAboveIt()
    {
        var wrongWay = (
            from user in Core.Folders
            from used in Core.Uses(user)
            where Array.IndexOf(Layers, used) > Array.IndexOf(Layers, user)
            select $"{user} → {used}: {string.Join("; ", Core.Witnesses[(user, used)])}").ToList();
        Assert.Empty(wrongWay);
    }

    /// <summary>
    /// The compiler copies constants into the code that uses them, so the compiled graph cannot see a
    /// use of another folder's <c>const</c>; the source's <c>using</c> directives can.
    /// </summary>
    [Fact]
    public void NoFolder_ImportsOneAboveIt()
    {
        var core = Path.Combine(RepoRoot.Path, "functions", "Onboarding");
        var wrongWay = (
            from folder in Layers
            let dir = Path.Combine(core, folder)
            where Directory.Exists(dir)
            from file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            from line in File.ReadLines(file)
            where line.StartsWith("using Onboarding.", StringComparison.Ordinal)
            let used = line["using Onboarding.".Length..].TrimEnd(';').Split('.')[0]
            where Array.IndexOf(Layers, used) > Array.IndexOf(Layers, folder)
            select $"{Path.GetRelativePath(core, file)}: {line}").ToList();
        Assert.Empty(wrongWay);
    }

    [Fact]
    public void TheFoldersOfTheCore_FormNoCycle()
    {
        Assert.Empty(Core.Cycles());
    }

    [Fact]
    public void TheGraph_SeesUsesInsideMethodBodies()
    {
        // The reader must find a use that only a method body makes (SignInRecorder hands the uptake
        // steps to the planner inside RecordAsync), or the rules above would pass for the wrong reason.
        Assert.Contains("Uptake", Core.Uses("SignIn"));
        Assert.Contains(Core.Witnesses[("SignIn", "Uptake")], w => w.StartsWith("SignInRecorder uses", StringComparison.Ordinal));
    }
}
