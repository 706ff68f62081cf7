namespace Ops.Catalog.Tests;

/// <summary>Small valid YAML pieces the tests build catalogs from.</summary>
internal static class CatalogFixtures
{
    public const string Builders = """
        apiVersion: ops.orleans/v1
        kind: Builder
        metadata:
          name: payments-team
        spec:
          capacity: 3
        ---
        apiVersion: ops.orleans/v1
        kind: Builder
        metadata:
          name: platform-team
        spec:
          capacity: 3
        """;

    public const string Tiers = """
        apiVersion: ops.orleans/v1
        kind: EscalationTier
        metadata:
          name: architects
        spec:
          default: true
        """;

    public const string Products = """
        apiVersion: ops.orleans/v1
        kind: Product
        metadata:
          name: payments-db
        spec:
          type: platform
          owner: platform-team
        ---
        apiVersion: ops.orleans/v1
        kind: Product
        metadata:
          name: checkout
        spec:
          owner: payments-team
          dependsOn: [component:payments-db]
          rollback:
            url: http://127.0.0.1:8080/api/v1/sample/targets/checkout/rollback
        """;

    public const string Runbook = """
        apiVersion: ops.orleans/v1
        kind: Runbook
        metadata:
          name: checkout-restart
        spec:
          product: checkout
          remediation:
            - name: restart
              http:
                url: http://127.0.0.1:8080/api/v1/sample/targets/checkout/restart
        """;

    /// <summary>A directory holding a valid catalog: two builders, a tier, two products and a runbook.</summary>
    public static TestSiloConfig ValidSiloConfig()
    {
        var config = new TestSiloConfig();
        config.Write("catalog/builders.yaml", Builders);
        config.Write("catalog/tiers.yaml", Tiers);
        config.Write("catalog/products.yaml", Products);
        config.Write("runbooks/checkout.yaml", Runbook);
        return config;
    }
}
