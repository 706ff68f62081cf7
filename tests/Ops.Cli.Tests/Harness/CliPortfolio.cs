using Ops.Silo.Testing;

namespace Ops.Cli.Tests.Harness;

/// <summary>
/// The silo-config the CLI tests run against: products that depend on nothing, so that each test can own one
/// and no correlation joins their incidents (a product's symptoms within the correlation window join its open
/// incident). <c>blog</c>, <c>wiki</c>, <c>forum</c>, <c>status</c>, <c>calendar</c>, <c>photos</c> (web-team);
/// <c>docs</c>, <c>search</c>, <c>mail</c>, <c>chat</c> (docs-team); <c>shop</c> (shop-team); tier
/// <c>architects</c>. Channels and the runbook's target point at a <see cref="LoopbackWorld"/>.
/// </summary>
public static class CliPortfolio
{
    public static Portfolio For(string receiver) => new(
        People: $$"""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: web-team }
            spec:
              capacity: 6
              members: [{ name: Amara, email: amara@example.com }]
              channels:
                - { kind: webhook, name: web-pages, url: "{{receiver}}/notify/web-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: docs-team }
            spec:
              capacity: 4
              channels:
                - { kind: slack, name: "#docs", url: "{{receiver}}/slack/docs-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: shop-team }
            spec:
              capacity: 4
              channels:
                - { kind: webhook, url: "{{receiver}}/notify/shop-team" }
            ---
            {{CatalogYaml.DefaultTier(receiver)}}
            """,
        Products: """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: blog }
            spec: { owner: web-team, tier: 3, value: 1000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: wiki }
            spec: { owner: web-team, tier: 2, value: 20000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: forum }
            spec: { owner: web-team, tier: 3, value: 5000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: status }
            spec: { owner: web-team, tier: 2, value: 8000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: docs }
            spec: { owner: docs-team, tier: 2, value: 50000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: search }
            spec: { owner: docs-team, tier: 2, value: 90000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: calendar }
            spec: { owner: web-team, tier: 3, value: 3000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: photos }
            spec: { owner: web-team, tier: 3, value: 2000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: mail }
            spec: { owner: docs-team, tier: 2, value: 40000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: chat }
            spec: { owner: docs-team, tier: 3, value: 4000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: shop }
            spec: { owner: shop-team, tier: 1, value: 500000 }
            """,
        Runbooks: $$"""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: search-restart }
            spec:
              product: search
              match: { labels: { alertname: SearchLatencyHigh } }
              remediation:
                - name: restart
                  http: { url: "{{receiver}}/targets/search/restart", method: POST }
                  timeout: 2s
              guardrails: { maxRunsPerHour: 10, cooldown: 0s }
            """);
}
