namespace Ops.Silo.Testing;

/// <summary>Catalog documents that several test portfolios declare alike, for a <see cref="Portfolio"/>'s YAML.</summary>
public static class CatalogYaml
{
    /// <summary>
    /// The default escalation tier <c>architects</c> (member Ada, no next tier), paged by webhook at
    /// <c>{world}/notify/architects</c>. One document without a trailing newline: put it after a <c>---</c> line.
    /// </summary>
    public static string DefaultTier(string world) => $$"""
        apiVersion: ops.orleans/v1
        kind: EscalationTier
        metadata: { name: architects }
        spec:
          default: true
          members: [Ada]
          channels:
            - { kind: webhook, url: "{{world}}/notify/architects" }
        """;
}
