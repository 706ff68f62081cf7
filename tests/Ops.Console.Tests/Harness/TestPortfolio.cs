using Ops.Silo.Testing;

namespace Ops.Console.Tests.Harness;

/// <summary>
/// A small portfolio with every remediation target, rollback hook and notification channel pointing at the
/// <see cref="LoopbackWorld"/>:
/// <c>shop-db</c> (platform) ← <c>checkout</c>, <c>search</c>, <c>orders</c>; <c>blog</c> (deprecated) stands alone.
/// Builders <c>shop-team</c> (checkout, orders), <c>search-team</c> (search, blog), <c>platform-team</c> (shop-db);
/// tiers <c>architects</c> (default, next <c>cto</c>) and <c>cto</c>. Unlike the end-to-end tests' portfolio, checkout
/// is tier 1 and its rollback runbook is confirm-first, and every entity has the display names and descriptions the
/// console shows.
/// </summary>
public static class TestPortfolio
{
    public const string CheckoutRoutingKey = "R0UT1NGKEY0000000000000000000001";

    /// <summary>The API client's actor (the browser acts as whoever "Acting as" names).</summary>
    public const string Actor = "api-test";

    /// <summary>A silo over this portfolio, reminders polled every 200 ms.</summary>
    public static Task<OpsSilo> StartSiloAsync(LoopbackWorld world, params string[] extraArgs) =>
        OpsSilo.StartAsync(For(world.BaseUrl), new SiloOptions
        {
            Actor = Actor,
            Args = ["--Reminders:PollInterval", "00:00:00.200", .. extraArgs],
        });

    public static Portfolio For(string world) => new(
        People: $$"""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: shop-team }
            spec:
              displayName: Shop
              capacity: 4
              members: [{ name: Amara Okafor }, { name: Jonas Berg }]
              channels:
                - { kind: webhook, name: shop-pages, url: "{{world}}/notify/shop-team" }
                - { kind: slack, name: "#shop-oncall", url: "{{world}}/slack/shop-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: search-team }
            spec:
              displayName: Search
              capacity: 3
              members: [{ name: Li Wei }, { name: Sofia Marino }]
              channels:
                - { kind: webhook, name: search-pages, url: "{{world}}/notify/search-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: platform-team }
            spec:
              displayName: Platform
              capacity: 3
              members: [{ name: Priya Natarajan }]
              channels:
                - { kind: teams, name: platform-teams, url: "{{world}}/teams/platform-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata: { name: architects }
            spec:
              default: true
              next: cto
              members: [{ name: Ada }]
              channels:
                - { kind: webhook, name: architects-pages, url: "{{world}}/notify/architects" }
            ---
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata: { name: cto }
            spec:
              members: [{ name: Grace }]
              channels:
                - { kind: webhook, name: cto-pages, url: "{{world}}/notify/cto" }
            """,
        Products: $$"""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: shop-db, description: The shared PostgreSQL cluster. }
            spec: { type: platform, owner: platform-team, tier: 1, value: 0, system: data }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: checkout, description: Takes the basket to a paid order. }
            spec:
              owner: shop-team
              tier: 1
              system: commerce
              dependsOn: [shop-db]
              value: 500000
              routingKeys: [{{CheckoutRoutingKey}}]
              aliases: [checkout-api]
              rollback: { url: "{{world}}/targets/checkout/rollback" }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: search, description: Product search and suggestions. }
            spec: { owner: search-team, tier: 2, system: discovery, dependsOn: [shop-db], value: 200000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: orders, description: Order history and fulfilment. }
            spec: { owner: shop-team, tier: 2, system: commerce, dependsOn: [shop-db], value: 300000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: blog, description: The engineering blog. }
            spec: { owner: search-team, tier: 3, value: 1000, lifecycle: deprecated }
            """,
        Runbooks: $$"""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: search-restart }
            spec:
              product: search
              match: { labels: { alertname: SearchLatencyHigh } }
              diagnostics:
                - { name: history, signalHistory: {} }
              remediation:
                - name: restart
                  http: { url: "{{world}}/targets/search/restart", method: POST }
                  timeout: 2s
              verification: { window: 10m }
              guardrails: { maxRunsPerHour: 10, cooldown: 0s }
            ---
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: orders-drain }
            spec:
              product: orders
              match: { labels: { alertname: OrdersQueueBacklog } }
              remediation:
                - name: drain
                  http: { url: "{{world}}/targets/orders/drain", method: POST }
                  timeout: 1s
              guardrails: { maxRunsPerHour: 10, cooldown: 0s }
            ---
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: checkout-rollback }
            spec:
              product: checkout
              mode: confirm-first
              match: { labels: { alertname: CheckoutHighErrorRate } }
              remediation:
                - { name: rollback, rollback: {} }
              guardrails: { maxRunsPerHour: 10, cooldown: 0s }
            """);
}
