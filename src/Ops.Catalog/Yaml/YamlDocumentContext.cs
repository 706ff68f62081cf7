using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>
/// The state of reading one YAML document: the file it came from, the errors it produced (appended to the file's
/// list) and the position of every field that was read (the entity's part of the <see cref="CatalogSourceMap"/>).
/// </summary>
internal sealed class YamlDocumentContext(string file, List<CatalogError> errors)
{
    private readonly int _firstError = errors.Count;

    public string File { get; } = file;

    /// <summary>Field path → position of its value node; <c>""</c> is the document itself.</summary>
    public Dictionary<string, SourcePosition> Positions { get; } = new(StringComparer.Ordinal);

    /// <summary>True once this document reported an error.</summary>
    public bool HasErrors => errors.Count > _firstError;

    public SourcePosition Position(YamlNode node) => Position(node.Start);

    public SourcePosition Position(Mark mark) => new(File, (int)mark.Line, (int)mark.Column);

    public void Record(string field, YamlNode node) => Positions.TryAdd(field, Position(node));

    public void Error(YamlNode node, string field, string message) => Error(node.Start, field, message);

    public void Error(Mark mark, string field, string message) =>
        errors.Add(new CatalogError(File, (int)mark.Line, (int)mark.Column, field, message));
}
