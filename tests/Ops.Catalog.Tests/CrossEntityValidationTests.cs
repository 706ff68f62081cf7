using Ops.Contracts.Catalog;

namespace Ops.Catalog.Tests;

/// <summary>Rules that need the whole catalog, each error naming the declaring file, line and field.</summary>
public sealed class CrossEntityValidationTests
{
    private static IReadOnlyList<CatalogError> LoadWith(string relativePath, string yaml, out string path)
    {
        using var config = CatalogFixtures.ValidSiloConfig();
        path = config.Write(relativePath, yaml);
        return new CatalogLoader().LoadDirectory(config.Directory).Errors;
    }

    [Fact]
    public void The_fixture_catalog_is_valid()
    {
        using var config = CatalogFixtures.ValidSiloConfig();
        var result = new CatalogLoader().LoadDirectory(config.Directory);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Unknown_owner()
    {
        var errors = LoadWith("catalog/more.yaml", """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: search
            spec:
              owner: discovery-team
            """, out var path);

        var error = Assert.Single(errors);
        Assert.Equal((path, 6, 10, "spec.owner"), (error.File, error.Line, error.Column, error.Field));
        Assert.Equal("unknown builder 'discovery-team' (known builders: payments-team, platform-team)", error.Message);
    }

    [Fact]
    public void Dependency_cycle_is_reported_once_at_the_edge_that_closes_it()
    {
        var errors = LoadWith("catalog/cycle.yaml", """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: a-service
            spec:
              owner: payments-team
              dependsOn: [b-service]
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: b-service
            spec:
              owner: payments-team
              dependsOn:
                - payments-db
                - a-service
            """, out var path);

        var error = Assert.Single(errors);
        Assert.Equal((path, 17, 7, "spec.dependsOn[1]"), (error.File, error.Line, error.Column, error.Field));
        Assert.Equal("dependency cycle: a-service → b-service → a-service", error.Message);
    }

    [Fact]
    public void Depending_on_itself_is_a_cycle()
    {
        var errors = LoadWith("catalog/self.yaml", """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: loner
            spec:
              owner: payments-team
              dependsOn: [loner]
            """, out _);

        Assert.Equal(("spec.dependsOn[0]", "dependency cycle: loner → loner"), (Assert.Single(errors).Field, errors[0].Message));
    }

    [Fact]
    public void Unknown_dependency()
    {
        var errors = LoadWith("catalog/dep.yaml", """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: search
            spec:
              owner: payments-team
              dependsOn: [payments-db, resource:elasticsearch]
            """, out _);

        var error = Assert.Single(errors);
        Assert.Equal((7, "spec.dependsOn[1]"), (error.Line, error.Field));
        Assert.StartsWith("unknown product 'elasticsearch'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_tiers_in_product_builder_and_tier()
    {
        var errors = LoadWith("catalog/tiers-2.yaml", """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: search
            spec:
              owner: payments-team
              escalationTier: sre
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata:
              name: discovery-team
            spec:
              escalatesTo: sre
            ---
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata:
              name: platform-sre
            spec:
              next: cto
            """, out var path);

        Assert.Equal(
            [(path, 7, "spec.escalationTier"), (path, 14, "spec.escalatesTo"), (path, 21, "spec.next")],
            errors.Select(e => (e.File, e.Line, e.Field)));
        Assert.Equal("unknown escalation tier 'sre' (known tiers: architects, platform-sre)", errors[0].Message);
    }

    [Fact]
    public void Only_one_default_tier_and_no_escalation_loop()
    {
        var errors = LoadWith("catalog/z-tiers.yaml", """
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata:
              name: sre
            spec:
              default: true
              next: cto
            ---
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata:
              name: cto
            spec:
              next: sre
            """, out _);

        Assert.Equal([(6, "spec.default"), (7, "spec.next")], errors.Select(e => (e.Line, e.Field)));
        Assert.StartsWith("only one tier can be the default; 'architects' already is", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("escalation loop: cto → sre → cto", errors[1].Message);
    }

    [Fact]
    public void Duplicate_names_across_files_name_both_places()
    {
        var errors = LoadWith("catalog/z-dup.yaml", """
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata:
              name: payments-team
            """, out var path);

        var error = Assert.Single(errors);
        Assert.Equal((path, 4, "metadata.name"), (error.File, error.Line, error.Field));
        Assert.Matches(@"^duplicate Builder 'payments-team': already declared at .*catalog/builders\.yaml:4$", error.Message);
    }

    [Fact]
    public void Same_name_in_different_kinds_is_fine()
    {
        var errors = LoadWith("catalog/same.yaml", """
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata:
              name: payments-team
            """, out _);

        Assert.Empty(errors);
    }

    [Fact]
    public void Runbook_name_and_version_are_unique()
    {
        var errors = LoadWith("runbooks/z-again.yaml", CatalogFixtures.Runbook + "\n---\n" + CatalogFixtures.Runbook.Replace("remediation:", "version: 2\n  remediation:", StringComparison.Ordinal), out var path);

        var error = Assert.Single(errors);
        Assert.Equal((path, 4, "metadata.name"), (error.File, error.Line, error.Field));
        Assert.Contains("version 1 is already declared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollback_step_needs_the_product_to_have_a_rollback_hook()
    {
        var errors = LoadWith("runbooks/db.yaml", """
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: db-rollback
            spec:
              product: payments-db
              remediation:
                - name: undo
                  rollback: true
            """, out _);

        var error = Assert.Single(errors);
        Assert.Equal((9, 17, "spec.remediation[0].rollback"), (error.Line, error.Column, error.Field));
        Assert.Contains("has no rollback hook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Routing_key_routes_to_one_product_only()
    {
        var errors = LoadWith("catalog/keys.yaml", """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: a-service
            spec:
              owner: payments-team
              routingKeys: [KEY1]
              aliases: [checkout]
            ---
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: b-service
            spec:
              owner: payments-team
              routingKeys: [KEY1]
            """, out _);

        Assert.Equal([(8, "spec.aliases[0]"), (16, "spec.routingKeys[0]")], errors.Select(e => (e.Line, e.Field)));
    }

    [Fact]
    public void Tier_and_capacity_are_in_range()
    {
        var errors = LoadWith("catalog/range.yaml", """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata:
              name: search
            spec:
              owner: payments-team
              tier: 4
            ---
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata:
              name: discovery-team
            spec:
              capacity: 0
            """, out _);

        Assert.Equal([(7, "spec.tier"), (14, "spec.capacity")], errors.Select(e => (e.Line, e.Field)));
    }

    [Fact]
    public void Snapshot_built_in_code_is_checked_with_its_declared_location()
    {
        var snapshot = new CatalogSnapshot
        {
            Products = new Dictionary<string, ProductSpec>
            {
                ["search"] = new() { Name = "search", Owner = "nobody", DeclaredAt = SourceLocation.Api },
            },
        };

        var error = Assert.Single(CatalogValidator.Validate(snapshot));
        Assert.Equal("api:0:0: spec.owner: unknown builder 'nobody' (no builders are declared)", error.ToString());
    }
}
