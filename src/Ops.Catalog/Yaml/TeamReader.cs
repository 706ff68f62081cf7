using Ops.Contracts.Catalog;

namespace Ops.Catalog.Yaml;

/// <summary>Reads the people kinds: <c>kind: Builder</c> (a team) and <c>kind: EscalationTier</c>.</summary>
internal static class TeamReader
{
    public static readonly string[] BuilderFields = ["displayName", "capacity", "members", "channels", "escalatesTo"];
    public static readonly string[] TierFields = ["displayName", "members", "channels", "next", "default"];

    public static BuilderSpec? ReadBuilder(YamlMappingReader spec, EntityHeader header)
    {
        var builder = new BuilderSpec
        {
            Name = header.Name ?? "",
            DisplayName = spec.String("displayName"),
            Capacity = spec.Double("capacity") ?? 5,
            Members = CommonSpecReader.Members(spec),
            Channels = CommonSpecReader.Channels(spec),
            EscalatesTo = spec.Reference("escalatesTo"),
            DeclaredAt = header.DeclaredAt,
        };
        return header.Name is null ? null : builder;
    }

    public static EscalationTierSpec? ReadTier(YamlMappingReader spec, EntityHeader header)
    {
        var tier = new EscalationTierSpec
        {
            Name = header.Name ?? "",
            DisplayName = spec.String("displayName"),
            Members = CommonSpecReader.Members(spec),
            Channels = CommonSpecReader.Channels(spec),
            Next = spec.Reference("next"),
            Default = spec.Bool("default") ?? false,
            DeclaredAt = header.DeclaredAt,
        };
        return header.Name is null ? null : tier;
    }
}
