using Ops.Contracts.Catalog;
using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>
/// Reads one <c>---</c> document: <c>apiVersion: ops.orleans/v1</c>, <c>kind</c>, <c>metadata {name, description}</c>
/// and the kind's <c>spec</c>. Returns the entity (a <see cref="ProductSpec"/>, <see cref="BuilderSpec"/>,
/// <see cref="EscalationTierSpec"/> or <see cref="RunbookSpec"/>) when its name and required fields could be read,
/// even if other fields were wrong (those are reported and left at their defaults), so that one typo does not cascade
/// into "unknown product" errors elsewhere.
/// </summary>
internal static class CatalogDocumentReader
{
    public const string ApiVersion = "ops.orleans/v1";

    private static readonly string[] RootFields = ["apiVersion", "kind", "metadata", "spec"];
    private static readonly string[] MetadataFields = ["name", "description"];
    private static readonly string[] Kinds = ["Product", "Builder", "EscalationTier", "Runbook"];

    public static object? Read(YamlDocumentContext context, YamlNode root)
    {
        if (YamlMappingReader.Open(context, root, "", RootFields) is not { } document)
        {
            return null;
        }

        if (document.String("apiVersion", required: true) is { } apiVersion && apiVersion != ApiVersion)
        {
            context.Error(document.Node("apiVersion")!, "apiVersion", $"expected '{ApiVersion}'; found '{apiVersion}'");
        }

        var kind = document.String("kind", required: true);
        if (kind is not null && !Kinds.Contains(kind, StringComparer.Ordinal))
        {
            context.Error(document.Node("kind")!, "kind", $"expected one of {string.Join(", ", Kinds)}; found '{kind}'");
            kind = null;
        }

        var metadata = document.Map("metadata", MetadataFields, required: true);
        var header = new EntityHeader(metadata?.String("name", required: true), metadata?.String("description"), new SourceLocation(context.File, (int)root.Start.Line));
        if (kind is null)
        {
            return null;
        }

        var specFields = kind switch
        {
            "Product" => ProductReader.Fields,
            "Builder" => TeamReader.BuilderFields,
            "EscalationTier" => TeamReader.TierFields,
            _ => RunbookReader.Fields,
        };
        var spec = document.Node("spec") is { } specNode
            ? YamlMappingReader.Open(context, specNode, "spec", specFields)
            : YamlMappingReader.Absent(context, root, "spec");
        if (spec is null)
        {
            return null;
        }

        return kind switch
        {
            "Product" => ProductReader.Read(spec, header),
            "Builder" => TeamReader.ReadBuilder(spec, header),
            "EscalationTier" => TeamReader.ReadTier(spec, header),
            _ => RunbookReader.Read(spec, header),
        };
    }
}
