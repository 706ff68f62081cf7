using Ops.Contracts.Catalog;

namespace Ops.Catalog.Yaml;

/// <summary>Reads a <c>kind: Product</c> spec.</summary>
internal static class ProductReader
{
    public static readonly string[] Fields =
    [
        "owner", "lifecycle", "system", "type", "tier", "dependsOn", "value", "outcome", "routingKeys", "aliases", "rollback", "escalationTier",
    ];

    private static readonly string[] OutcomeFields = ["metric", "min", "max"];

    public static ProductSpec? Read(YamlMappingReader spec, EntityHeader header)
    {
        var owner = spec.Reference("owner", required: true);
        var product = new ProductSpec
        {
            Name = header.Name ?? "",
            Description = header.Description,
            Owner = owner ?? "",
            Lifecycle = spec.Enum<Lifecycle>("lifecycle") ?? Lifecycle.Production,
            System = spec.String("system"),
            Kind = spec.Enum<ProductKind>("type") ?? ProductKind.Service,
            Tier = spec.Int("tier") ?? 2,
            DependsOn = spec.References("dependsOn"),
            Value = spec.Decimal("value") ?? 0m,
            Outcome = Outcome(spec),
            RoutingKeys = spec.Strings("routingKeys"),
            Aliases = spec.Strings("aliases"),
            Rollback = CommonSpecReader.HttpCall(spec, "rollback", "POST"),
            EscalationTier = spec.Reference("escalationTier"),
            DeclaredAt = header.DeclaredAt,
        };
        return header.Name is null || owner is null ? null : product;
    }

    private static OutcomeSpec? Outcome(YamlMappingReader spec)
    {
        if (spec.Map("outcome", OutcomeFields) is not { } outcome)
        {
            return null;
        }

        var metric = outcome.String("metric", required: true);
        var min = outcome.Double("min");
        var max = outcome.Double("max");
        return metric is null ? null : new OutcomeSpec(metric, min, max);
    }
}
