using System.Text.RegularExpressions;

namespace Onboarding.Tests.Architecture;

/// <summary>
/// The shape the code keeps: function handlers that bind, call one service and map (at most 15
/// lines of body), and production files short enough to read in one sitting (at most 300 lines).
/// </summary>
public partial class CodeShapeTests
{
    private const int MaxHandlerLines = 15;
    private const int MaxFileLines = 300;

    private static IEnumerable<string> Files(string folder, string pattern) =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, folder), pattern, SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void EveryHandler_IsAtMostFifteenLines()
    {
        var handlers = Files("functions/Onboarding.Functions", "*.cs").SelectMany(Handlers).ToList();
        Assert.True(handlers.Count >= 20, $"found only {handlers.Count} handlers: the reader no longer sees them");
        Assert.Empty(handlers.Where(h => h.Lines > MaxHandlerLines).Select(h => $"{h.Name}: {h.Lines} lines"));
    }

    [Fact]
    public void EveryProductionFile_IsAtMostThreeHundredLines()
    {
        var files = Files("functions", "*.cs").Concat(Files("functions", "*.razor")).ToList();
        Assert.NotEmpty(files);
        Assert.Empty(files.Select(f => (File: Path.GetRelativePath(RepoRoot.Path, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxFileLines).Select(f => $"{f.File}: {f.Lines} lines"));
    }

    [Fact]
    public void TheHandlerReader_CountsABody()
    {
        const string source = """
            [Function("X")]
            public Task<IResult> Run(
                [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "x")] HttpRequest request,
                string tenant) =>
                responder.Run(request, async ct =>
                {
                    // a comment is not counted

                    var a = 1;
                    return Results.Ok(a);
                });
            """;
        var found = Assert.Single(Handlers(source.Split('\n'), "x.cs"));
        Assert.Equal(("X (x.cs)", 5), (found.Name, found.Lines));
    }

    private static IEnumerable<(string Name, int Lines)> Handlers(string path) => Handlers(File.ReadAllLines(path), path);

    /// <summary>Each [Function] method's body, in non-blank lines that are not comments.</summary>
    private static IEnumerable<(string Name, int Lines)> Handlers(string[] lines, string path)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (FunctionAttribute().Match(lines[i]) is not { Success: true } attribute)
            {
                continue;
            }

            // The signature ends where its parentheses close.
            var (depth, opened, end) = (0, false, i + 1);
            for (; end < lines.Length; end++)
            {
                depth += lines[end].Count(c => c == '(') - lines[end].Count(c => c == ')');
                opened |= lines[end].Contains('(', StringComparison.Ordinal);
                if (opened && depth == 0)
                {
                    break;
                }
            }

            var body = new List<string>();
            var expression = lines[end].TrimEnd().EndsWith("=>", StringComparison.Ordinal);
            var nesting = 0;
            for (var k = expression ? end + 1 : end + 2; k < lines.Length; k++)
            {
                var line = lines[k];
                nesting += line.Count(c => c is '(' or '{' or '[') - line.Count(c => c is ')' or '}' or ']');
                if (!expression && nesting < 0)
                {
                    break;
                }

                body.Add(line);
                if (expression && nesting <= 0 && line.TrimEnd().EndsWith(';'))
                {
                    break;
                }
            }

            yield return (attribute.Groups[1].Value + " (" + Path.GetFileName(path) + ")",
                body.Count(l => l.Trim().Length > 0 && !l.Trim().StartsWith("//", StringComparison.Ordinal)));
        }
    }

    [GeneratedRegex("""^\s*\[Function\("([^"]+)"\)\]""")]
    private static partial Regex FunctionAttribute();
}
