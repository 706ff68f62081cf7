using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>The entities one file declared, in order, with the errors found while reading it.</summary>
internal sealed record CatalogFileContent(IReadOnlyList<object> Entities, IReadOnlyList<CatalogError> Errors, CatalogSourceMap Sources);

/// <summary>Reads one YAML file of <c>---</c>-separated catalog documents.</summary>
internal static class CatalogFileReader
{
    public static CatalogFileContent Read(string yamlText, string file)
    {
        var errors = new List<CatalogError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yamlText));
        }
        catch (YamlException e)
        {
            // The documents before the broken one are complete in stream.Documents and are still read below.
            var cause = e.InnerException is YamlException inner && !string.IsNullOrEmpty(inner.Message) ? $"{e.Message}: {inner.Message}" : e.Message;
            var (line, column) = cause.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndentedLine(yamlText) is { } tabbed
                ? (tabbed, 1)
                : ((int)e.Start.Line, (int)e.Start.Column);
            errors.Add(new CatalogError(file, line, column, "", $"YAML syntax error: {cause}"));
        }

        var entities = new List<object>();
        var sources = new CatalogSourceMap();
        foreach (var document in stream.Documents)
        {
            if (YamlValues.IsNull(document.RootNode))
            {
                continue;
            }

            var context = new YamlDocumentContext(file, errors);
            if (CatalogDocumentReader.Read(context, document.RootNode) is { } entity)
            {
                entities.Add(entity);
                sources.Add(entity, context.Positions);
            }
        }

        return new CatalogFileContent(entities, errors, sources);
    }

    /// <summary>YamlDotNet reports a tab in indentation at the enclosing mapping; the operator needs the tab's own line.</summary>
    private static int? FirstTabIndentedLine(string yamlText)
    {
        var lines = yamlText.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indentation = lines[i].AsSpan(0, lines[i].Length - lines[i].TrimStart().Length);
            if (indentation.Contains('\t'))
            {
                return i + 1;
            }
        }

        return null;
    }
}
