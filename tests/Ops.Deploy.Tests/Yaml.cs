using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ops.Deploy.Tests;

/// <summary>Reading YAML files (every document, merge keys resolved) and walking their nodes.</summary>
internal static class Yaml
{
    /// <summary>Every document of a YAML file; throws (with line and column) when the file is not valid YAML.</summary>
    public static IReadOnlyList<YamlMappingNode> LoadDocuments(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var stream = new YamlStream();
        stream.Load(new MergingParser(new Parser(reader)));
        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => d.RootNode as YamlMappingNode ?? throw new InvalidDataException($"{Repository.Relative(path)}: a document is not a mapping"))
            .ToList();
    }

    public static YamlMappingNode LoadSingle(string path) => LoadDocuments(path).Single();

    /// <summary>The node at <paramref name="keys"/>, or null when any of them is missing.</summary>
    public static YamlNode? Find(this YamlNode node, params string[] keys)
    {
        var current = node;
        foreach (var key in keys)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static YamlNode Get(this YamlNode node, params string[] keys) =>
        node.Find(keys) ?? throw new KeyNotFoundException($"no '{string.Join('.', keys)}' at line {node.Start.Line}");

    public static YamlMappingNode Map(this YamlNode node, params string[] keys) => (YamlMappingNode)node.Get(keys);

    public static IEnumerable<YamlNode> Seq(this YamlNode node, params string[] keys) =>
        node.Find(keys) is YamlSequenceNode sequence ? sequence.Children : [];

    public static string Str(this YamlNode node, params string[] keys) =>
        ((YamlScalarNode)node.Get(keys)).Value ?? throw new InvalidDataException($"'{string.Join('.', keys)}' is null");

    public static string? StrOrNull(this YamlNode node, params string[] keys) => (node.Find(keys) as YamlScalarNode)?.Value;

    public static int Int(this YamlNode node, params string[] keys) => int.Parse(node.Str(keys), CultureInfo.InvariantCulture);

    /// <summary>A mapping's scalar entries (labels, selectors).</summary>
    public static IReadOnlyDictionary<string, string> StringMap(this YamlNode node, params string[] keys) =>
        node.Find(keys) is YamlMappingNode mapping
            ? mapping.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();
}
