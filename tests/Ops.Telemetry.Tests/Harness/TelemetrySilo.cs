using Ops.Silo.Testing;

namespace Ops.Telemetry.Tests.Harness;

/// <summary>
/// The telemetry tests' silo (<see cref="OpsSilo"/>, eight partitions) over a one-product portfolio whose remediation
/// target and page channel are the <see cref="LoopbackWorld"/>: product <c>orders</c> (owner <c>shop-team</c>, a
/// webhook channel) with the runbook <c>orders-drain</c> for <c>OrdersQueueBacklog</c>, which POSTs
/// <see cref="DrainPath"/>.
/// </summary>
public static class TelemetrySilo
{
    public const string DrainPath = "/targets/orders/drain";
    public const string PagePath = "/notify/shop-team";

    /// <summary>Starts the silo; an invalid setting in <paramref name="extraArgs"/> throws here.</summary>
    public static Task<OpsSilo> StartAsync(LoopbackWorld world, params string[] extraArgs) =>
        OpsSilo.StartAsync(For(world.BaseUrl), new SiloOptions
        {
            Actor = "telemetry-test",
            Args = ["--Silo:PartitionCount", "8", .. extraArgs],
        });

    /// <summary>A generic signal for <c>orders</c> that matches the drain runbook; 202 required.</summary>
    public static Task SendBacklogSignalAsync(this OpsSilo silo, string fingerprint = "backlog") =>
        silo.SendJsonAsync("/api/v1/signals", $$"""{"product":"orders","name":"OrdersQueueBacklog","fingerprint":"{{fingerprint}}","severity":"error","summary":"orders queue 5k deep"}""");

    /// <summary>GET /metrics; success required.</summary>
    public static async Task<string> MetricsAsync(this OpsSilo silo)
    {
        using var response = await silo.Client.GetAsync("/metrics");
        Assert.True(response.IsSuccessStatusCode, $"/metrics answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    private static Portfolio For(string world) => new(
        People: $$"""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata: { name: shop-team }
            spec:
              capacity: 4
              channels:
                - { kind: webhook, name: shop-pages, url: "{{world}}{{PagePath}}" }
            ---
            {{CatalogYaml.DefaultTier(world)}}
            """,
        Products: """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: orders }
            spec: { owner: shop-team, tier: 2, value: 300000 }
            """,
        Runbooks: $$"""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: orders-drain }
            spec:
              product: orders
              match: { labels: { alertname: OrdersQueueBacklog } }
              remediation:
                - name: drain
                  http: { url: "{{world}}{{DrainPath}}", method: POST }
                  timeout: 1s
              guardrails: { maxRunsPerHour: 10, cooldown: 0s }
            """);
}
