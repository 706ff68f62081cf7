namespace Ops.Catalog.Tests;

public sealed class BackstageReferenceTests
{
    [Fact]
    public void Kind_prefix_and_default_namespace_are_dropped()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: checkout
            spec:
              owner: group:default/payments-team
              dependsOn: [component:payments-db, resource:default/ledger, accounts]
              escalationTier: tier:architects
            """, "p.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var checkout = result.Snapshot.Products["checkout"];
        Assert.Equal("payments-team", checkout.Owner);
        Assert.Equal(["payments-db", "ledger", "accounts"], checkout.DependsOn);
        Assert.Equal("architects", checkout.EscalationTier);
    }

    [Fact]
    public void Other_namespaces_are_rejected()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: checkout
            spec:
              owner: payments-team
              dependsOn: [component:finance/ledger]
            """, "p.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal((7, "spec.dependsOn[0]"), (error.Line, error.Field));
        Assert.Contains("namespace 'finance' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Runbook_product_accepts_a_reference()
    {
        var result = new CatalogLoader().Parse(CatalogFixtures.Runbook.Replace("product: checkout", "product: component:checkout", StringComparison.Ordinal), "r.yaml");

        Assert.Equal("checkout", Assert.Single(result.Snapshot.Runbooks).Product);
    }
}
