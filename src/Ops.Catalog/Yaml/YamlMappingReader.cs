using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>
/// Reads the fields of one YAML mapping with the strictness a catalog needs: unknown fields are errors (with the allowed
/// list and a "did you mean"), every value is type-checked, and every error names the file, line and field path.
/// A getter returns null (or an empty collection) when the field is absent or its value is wrong; it has then already
/// reported the problem, so callers only decide what absence means.
/// </summary>
internal sealed class YamlMappingReader
{
    private readonly YamlDocumentContext _context;
    private readonly YamlNode _anchor;
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);

    private YamlMappingReader(YamlDocumentContext context, YamlNode anchor, string path)
    {
        _context = context;
        _anchor = anchor;
        Path = path;
    }

    /// <summary>The field path of this mapping (<c>spec.match</c>); empty for the document root.</summary>
    public string Path { get; }

    public YamlDocumentContext Context => _context;

    /// <summary>The mapping node itself (or, for an absent mapping, the node missing fields are reported at).</summary>
    public YamlNode Anchor => _anchor;

    /// <summary>Opens <paramref name="node"/> as a mapping whose keys must be among <paramref name="allowed"/>; null (reported) when it is not a mapping.</summary>
    public static YamlMappingReader? Open(YamlDocumentContext context, YamlNode node, string path, IReadOnlyCollection<string> allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node, path, $"expected a mapping with fields {string.Join(", ", allowed)}; found {YamlValues.Describe(node)}");
            return null;
        }

        context.Record(path, node);
        var reader = new YamlMappingReader(context, node, path);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                context.Error(keyNode, path, "a field name must be plain text");
                continue;
            }

            if (!allowed.Contains(key))
            {
                context.Error(keyNode, reader.FieldPath(key), UnknownFieldMessage(key, allowed));
                continue;
            }

            reader._values[key] = value;
        }

        return reader;
    }

    /// <summary>A reader over a mapping that is not there: every field is absent; required ones are reported at <paramref name="anchor"/>.</summary>
    public static YamlMappingReader Absent(YamlDocumentContext context, YamlNode anchor, string path) => new(context, anchor, path);

    public string FieldPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The value node of <paramref name="key"/>, or null when absent or null-valued; a required absence is reported.</summary>
    public YamlNode? Node(string key, bool required = false)
    {
        if (_values.TryGetValue(key, out var node) && !YamlValues.IsNull(node))
        {
            _context.Record(FieldPath(key), node);
            return node;
        }

        if (required)
        {
            _context.Error(node ?? _anchor, FieldPath(key), "is required");
        }

        return null;
    }

    public bool Has(string key) => _values.TryGetValue(key, out var node) && !YamlValues.IsNull(node);

    public string? String(string key, bool required = false) =>
        Node(key, required) is { } node ? Scalar(node, FieldPath(key), "a text value") : null;

    /// <summary>An entity reference; Backstage forms (<c>component:payments-db</c>) resolve to the bare name.</summary>
    public string? Reference(string key, bool required = false) =>
        String(key, required) is { } text ? ResolveReference(Node(key)!, FieldPath(key), text) : null;

    public int? Int(string key)
    {
        var node = Node(key);
        return node is not null && Scalar(node, FieldPath(key), "a whole number") is { } text
            ? YamlValues.TryInt(text, out var value) ? value : Invalid<int>(node, key, $"expected a whole number; found '{text}'")
            : null;
    }

    public double? Double(string key)
    {
        var node = Node(key);
        return node is not null && Scalar(node, FieldPath(key), "a number") is { } text
            ? YamlValues.TryDouble(text, out var value) ? value : Invalid<double>(node, key, $"expected a number; found '{text}'")
            : null;
    }

    public decimal? Decimal(string key)
    {
        var node = Node(key);
        return node is not null && Scalar(node, FieldPath(key), "a number") is { } text
            ? YamlValues.TryDecimal(text, out var value) ? value : Invalid<decimal>(node, key, $"expected a number; found '{text}'")
            : null;
    }

    public bool? Bool(string key)
    {
        var node = Node(key);
        return node is not null && Scalar(node, FieldPath(key), "true or false") is { } text
            ? YamlValues.TryBool(text, out var value) ? value : Invalid<bool>(node, key, $"expected true or false; found '{text}'")
            : null;
    }

    public TimeSpan? Duration(string key)
    {
        var node = Node(key);
        return node is not null && Scalar(node, FieldPath(key), "a duration") is { } text
            ? CatalogDuration.TryParse(text, out var value)
                ? value
                : Invalid<TimeSpan>(node, key, $"expected a duration such as 30s, 5m, 1h30m, 250ms or 00:05:00; found '{text}'")
            : null;
    }

    public T? Enum<T>(string key)
        where T : struct, Enum
    {
        var node = Node(key);
        return node is not null && Scalar(node, FieldPath(key), $"one of {CatalogEnums.Names<T>()}") is { } text
            ? CatalogEnums.TryParse<T>(text, out var value) ? value : Invalid<T>(node, key, $"expected one of {CatalogEnums.Names<T>()}; found '{text}'")
            : null;
    }

    /// <summary>A nested mapping; null when absent (or reported as wrong).</summary>
    public YamlMappingReader? Map(string key, IReadOnlyCollection<string> allowed, bool required = false) =>
        Node(key, required) is { } node ? Open(_context, node, FieldPath(key), allowed) : null;

    /// <summary>The items of a list with their field paths (<c>spec.diagnostics[0]</c>); empty when absent or wrong.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> Sequence(string key)
    {
        if (Node(key) is not { } node)
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            _context.Error(node, FieldPath(key), $"expected a list; found {YamlValues.Describe(node)}");
            return [];
        }

        var items = new List<(YamlNode, string)>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var path = $"{FieldPath(key)}[{i}]";
            _context.Record(path, sequence.Children[i]);
            items.Add((sequence.Children[i], path));
        }

        return items;
    }

    /// <summary>A list of text values (null items are errors).</summary>
    public IReadOnlyList<string> Strings(string key) =>
        [.. Sequence(key).Select(item => Scalar(item.Node, item.Path, "a text value")).OfType<string>()];

    /// <summary>A list of enum values (kebab-case, see <see cref="CatalogEnums"/>).</summary>
    public IReadOnlyList<T> Enums<T>(string key)
        where T : struct, Enum
    {
        var values = new List<T>();
        foreach (var (node, path) in Sequence(key))
        {
            if (Scalar(node, path, $"one of {CatalogEnums.Names<T>()}") is not { } text)
            {
                continue;
            }

            if (CatalogEnums.TryParse<T>(text, out var value))
            {
                values.Add(value);
            }
            else
            {
                _context.Error(node, path, $"expected one of {CatalogEnums.Names<T>()}; found '{text}'");
            }
        }

        return values;
    }

    /// <summary>A list of entity references, each resolved like <see cref="Reference"/>.</summary>
    public IReadOnlyList<string> References(string key) =>
        [.. Sequence(key).Select(item => Scalar(item.Node, item.Path, "a name") is { } text ? ResolveReference(item.Node, item.Path, text) : null).OfType<string>()];

    /// <summary>A mapping of text to text (labels, headers); scalar values of any type are kept as written.</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Node(key) is not { } node)
        {
            return result;
        }

        if (node is not YamlMappingNode mapping)
        {
            _context.Error(node, FieldPath(key), $"expected a mapping of names to text values; found {YamlValues.Describe(node)}");
            return result;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                _context.Error(keyNode, FieldPath(key), "a name must be plain text");
                continue;
            }

            var path = $"{FieldPath(key)}.{name}";
            _context.Record(path, value);
            if (Scalar(value, path, "a text value") is { } text)
            {
                result[name] = text;
            }
        }

        return result;
    }

    /// <summary>The text of a scalar node; reports and returns null for lists, mappings and null values.</summary>
    public string? Scalar(YamlNode node, string path, string expected)
    {
        if (node is YamlScalarNode scalar && !YamlValues.IsNull(scalar))
        {
            return scalar.Value ?? "";
        }

        _context.Error(node, path, $"expected {expected}; found {YamlValues.Describe(node)}");
        return null;
    }

    private string? ResolveReference(YamlNode node, string path, string text)
    {
        if (CatalogNames.TryResolveReference(text, out var name, out var problem))
        {
            return name;
        }

        _context.Error(node, path, problem!);
        return null;
    }

    private T? Invalid<T>(YamlNode node, string key, string message)
        where T : struct
    {
        _context.Error(node, FieldPath(key), message);
        return null;
    }

    private static string UnknownFieldMessage(string key, IReadOnlyCollection<string> allowed)
    {
        var closest = allowed.MinBy(candidate => Distance(key.ToLowerInvariant(), candidate.ToLowerInvariant()));
        var hint = closest is not null && Distance(key.ToLowerInvariant(), closest.ToLowerInvariant()) <= Math.Max(2, key.Length / 4)
            ? $" (did you mean '{closest}'?)"
            : "";
        return allowed.Count == 0
            ? $"unknown field '{key}'; this mapping takes no fields"
            : $"unknown field '{key}'{hint}; allowed: {string.Join(", ", allowed)}";
    }

    /// <summary>Levenshtein distance, for the "did you mean" hint.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
