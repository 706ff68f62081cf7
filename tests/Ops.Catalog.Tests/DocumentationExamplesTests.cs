using System.Text.RegularExpressions;

namespace Ops.Catalog.Tests;

/// <summary>The examples in docs/catalog.md are valid catalog documents, so the reference cannot drift from the loader.</summary>
public sealed partial class DocumentationExamplesTests
{
    [GeneratedRegex("```yaml\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [Fact]
    public void Every_complete_example_parses_without_errors()
    {
        var docs = File.ReadAllText(Path.Combine(TestSiloConfig.Shipped(), "..", "docs", "catalog.md"));
        var examples = YamlBlock().Matches(docs).Select(m => m.Groups["body"].Value).Where(yaml => !yaml.Contains("  ...", StringComparison.Ordinal)).ToList();

        Assert.Equal(4, examples.Count);
        Assert.All(examples, yaml =>
        {
            var result = new CatalogLoader().Parse(yaml, "docs/catalog.md");
            Assert.True(result.IsValid, string.Join("\n", result.Errors));
        });
    }
}
