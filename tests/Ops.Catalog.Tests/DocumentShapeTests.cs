using Ops.Contracts.Catalog;

namespace Ops.Catalog.Tests;

public sealed class DocumentShapeTests
{
    [Fact]
    public void A_file_holds_several_documents()
    {
        var result = new CatalogLoader().Parse(CatalogFixtures.Builders + "\n---\n" + CatalogFixtures.Tiers, "catalog/teams.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Snapshot.Builders.Count);
        Assert.Single(result.Snapshot.Tiers);
        Assert.Equal(new SourceLocation("catalog/teams.yaml", 8), result.Snapshot.Builders["platform-team"].DeclaredAt);
    }

    [Fact]
    public void Wrong_api_version_and_unknown_kind_are_reported()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: checkout
            spec: {}
            """, "x.yaml");

        Assert.Equal([(1, "apiVersion"), (2, "kind")], result.Errors.Select(e => (e.Line, e.Field)));
        Assert.Contains("Product, Builder, EscalationTier, Runbook", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_syntax_error_names_the_line_and_keeps_earlier_documents()
    {
        var result = new CatalogLoader().Parse(CatalogFixtures.Tiers + "\n---\nkind: [unclosed\n", "catalog/tiers.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("catalog/tiers.yaml", ""), (error.File, error.Field));
        Assert.True(error.Line >= 8, error.ToString());
        Assert.StartsWith("YAML syntax error", error.Message, StringComparison.Ordinal);
        Assert.Single(result.Snapshot.Tiers);
    }

    [Fact]
    public void Duplicate_key_is_a_syntax_error()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata:
              name: a
            spec:
              capacity: 1
              capacity: 2
            """, "b.yaml");

        Assert.Equal(7, Assert.Single(result.Errors).Line);
    }

    [Fact]
    public void Tab_in_indentation_is_reported_at_its_own_line()
    {
        var result = new CatalogLoader().Parse("apiVersion: ops.orleans/v1\nkind: Builder\nmetadata:\n  name: a\nspec:\n\tcapacity: 1\n", "b.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.Contains("tab", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_name_is_reported_at_metadata_name()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Builder
            metadata:
              name: Payments Team
            """, "b.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal((4, 9, "metadata.name"), (error.Line, error.Column, error.Field));
    }

    [Fact]
    public void Enum_values_list_the_accepted_spellings()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: r
            spec:
              product: search
              mode: ask-first
            """, "r.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("spec.mode", "expected one of automatic, confirm-first; found 'ask-first'"), (error.Field, error.Message));
    }

    [Fact]
    public void Structured_http_body_becomes_json_text()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: scale
            spec:
              product: checkout
              mode: confirm-first
              remediation:
                - name: scale out
                  http:
                    url: http://127.0.0.1:8080/api/v1/sample/targets/checkout/scale-out
                    headers: {X-Reason: ops}
                    body:
                      replicas: 6
                      dryRun: false
                      note: "{{product}}"
            """, "r.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var runbook = Assert.Single(result.Snapshot.Runbooks);
        Assert.Equal(RunbookMode.ConfirmFirst, runbook.Mode);
        var http = runbook.Remediation[0].Http!;
        Assert.Equal("""{"replicas":6,"dryRun":false,"note":"{{product}}"}""", http.Body);
        Assert.Equal("POST", http.Method);
        Assert.Equal("ops", http.Headers["X-Reason"]);
    }

    [Fact]
    public void Defaults_apply_when_fields_are_absent()
    {
        var result = new CatalogLoader().Parse(CatalogFixtures.Runbook, "r.yaml");

        var runbook = Assert.Single(result.Snapshot.Runbooks);
        Assert.Equal((1, RunbookMode.Automatic, TimeSpan.FromMinutes(5), 6), (runbook.Version, runbook.Mode, runbook.Verification.Window, runbook.Guardrails.MaxRunsPerHour));
        Assert.Equal(TimeSpan.FromSeconds(10), runbook.Remediation[0].Timeout);
    }
}
