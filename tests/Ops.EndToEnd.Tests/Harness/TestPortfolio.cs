using Ops.Silo.Testing;

namespace Ops.EndToEnd.Tests.Harness;

/// <summary>
/// A small portfolio with every remediation target, rollback hook and notification channel pointing at the
/// <see cref="LoopbackWorld"/>:
/// <c>shop-db</c> (platform) ← <c>checkout</c>, <c>search</c>, <c>orders</c>; <c>blog</c> stands alone.
/// Builders <c>shop-team</c> (checkout, orders), <c>search-team</c> (search, blog), <c>platform-team</c> (shop-db);
/// tiers <c>architects</c> (default, next <c>cto</c>) and <c>cto</c>.
/// </summary>
public static class TestPortfolio
{
    public const string CheckoutRoutingKey = "R0UT1NGKEY0000000000000000000001";

    /// <summary>The client's actor: catalog documents sent through the API are declared at <c>api:e2e-test</c>.</summary>
    public const string Actor = "e2e-test";

    /// <summary>A silo over this portfolio, reminders polled every 200 ms, optionally on a manual grain clock.</summary>
    public static Task<OpsSilo> StartSiloAsync(LoopbackWorld world, TimeProvider? clock = null, params string[] extraArgs) =>
        OpsSilo.StartAsync(For(world.BaseUrl), new SiloOptions
        {
            Actor = Actor,
            Clock = clock,
            Args = ["--Reminders:PollInterval", "00:00:00.200", .. extraArgs],
        });

    public static Portfolio For(string world) => new(
        People: $$"""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: shop-team }
            spec:
              capacity: 4
              channels:
                - { kind: webhook, name: shop-pages, url: "{{world}}/notify/shop-team" }
                - { kind: slack, name: "#shop", url: "{{world}}/slack/shop-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: search-team }
            spec:
              capacity: 3
              channels:
                - { kind: webhook, url: "{{world}}/notify/search-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: platform-team }
            spec:
              capacity: 3
              channels:
                - { kind: teams, url: "{{world}}/teams/platform-team" }
            ---
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata: { name: architects }
            spec:
              default: true
              next: cto
              members: [Ada]
              channels:
                - { kind: webhook, url: "{{world}}/notify/architects" }
            ---
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata: { name: cto }
            spec:
              members: [Grace]
              channels:
                - { kind: webhook, url: "{{world}}/notify/cto" }
            """,
        Products: $$"""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: shop-db }
            spec: { type: platform, owner: platform-team, tier: 1, value: 0 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: checkout }
            spec:
              owner: shop-team
              tier: 2
              dependsOn: [shop-db]
              value: 500000
              routingKeys: [{{CheckoutRoutingKey}}]
              aliases: [checkout-api]
              rollback: { url: "{{world}}/targets/checkout/rollback" }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: search }
            spec: { owner: search-team, tier: 2, dependsOn: [shop-db], value: 200000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: orders }
            spec: { owner: shop-team, tier: 2, dependsOn: [shop-db], value: 300000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: blog }
            spec: { owner: search-team, tier: 3, value: 1000 }
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
              match: { labels: { alertname: CheckoutHighErrorRate } }
              remediation:
                - { name: rollback, rollback: {} }
              guardrails: { maxRunsPerHour: 10, cooldown: 0s }
            """);
}
