namespace Ops.Catalog.Tests;

/// <summary>A runbook with mistakes is rejected, each error naming the file, the line and column of the node, and the field.</summary>
public sealed class BrokenRunbookTests
{
    private const string File = "runbooks/search.yaml";

    private const string Broken = """
        apiVersion: ops.orleans/v1
        kind: Runbook
        metadata:
          name: search-latency
        spec:
          product: search
          match:
            layer: product
            lables:
              alertname: SearchLatencyHigh
          remediation:
            - name: restart
              http:
                url: http://127.0.0.1:8080/api/v1/sample/targets/search/restart
            - name: wait
              command: sleep
              timeout: 5 minutes
          guardrails:
            maxRunsPerHour: [3]
        """;

    private static readonly CatalogLoadResult Result = new CatalogLoader().Parse(Broken, File);

    [Fact]
    public void Is_rejected() => Assert.False(Result.IsValid);

    [Fact]
    public void Unknown_field_names_the_field_its_line_and_the_allowed_ones()
    {
        var error = Assert.Single(Result.Errors, e => e.Field == "spec.match.lables");
        Assert.Equal((File, 9, 5), (error.File, error.Line, error.Column));
        Assert.Contains("unknown field 'lables'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'labels'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed: layer, labels, fingerprint, severities", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_duration_names_the_step_field_and_its_line()
    {
        var error = Assert.Single(Result.Errors, e => e.Field == "spec.remediation[1].timeout");
        Assert.Equal((File, 17, 16), (error.File, error.Line, error.Column));
        Assert.Contains("expected a duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("'5 minutes'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_type_names_what_was_expected_and_found()
    {
        var error = Assert.Single(Result.Errors, e => e.Field == "spec.guardrails.maxRunsPerHour");
        Assert.Equal((File, 19, 21), (error.File, error.Line, error.Column));
        Assert.Equal("expected a whole number; found a list", error.Message);
    }

    [Fact]
    public void Errors_print_like_compiler_diagnostics()
    {
        var error = Result.Errors.Single(e => e.Field == "spec.guardrails.maxRunsPerHour");
        Assert.Equal("runbooks/search.yaml:19:21: spec.guardrails.maxRunsPerHour: expected a whole number; found a list", error.ToString());
    }

    [Fact]
    public void Has_no_other_errors() => Assert.Equal(3, Result.Errors.Count);

    [Fact]
    public void Missing_product_is_reported_at_the_spec()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: orphan
            spec:
              remediation:
                - name: restart
                  http:
                    url: http://127.0.0.1:8080/api/v1/sample/targets/search/restart
            """, File);

        var error = Assert.Single(result.Errors);
        Assert.Equal((File, 6, 3, "spec.product", "is required"), (error.File, error.Line, error.Column, error.Field, error.Message));
        Assert.Empty(result.Snapshot.Runbooks);
    }

    [Fact]
    public void Product_that_does_not_exist_is_reported_at_the_product_field()
    {
        using var config = CatalogFixtures.ValidSiloConfig();
        var path = config.Write("runbooks/ghost.yaml", """
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: ghost-restart
            spec:
              product: ghost
            """);

        var result = new CatalogLoader().LoadDirectory(config.Directory);

        var error = Assert.Single(result.Errors);
        Assert.Equal((path, 6, 12, "spec.product"), (error.File, error.Line, error.Column, error.Field));
        Assert.StartsWith("unknown product 'ghost' (known products: checkout, payments-db)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_with_two_actions_is_rejected()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: confused
            spec:
              product: search
              remediation:
                - name: both
                  rollback: true
                  command: restart-search
            """, File);

        var error = Assert.Single(result.Errors);
        Assert.Equal((10, "spec.remediation[0].command"), (error.Line, error.Field));
    }

    [Fact]
    public void A_diagnostic_cannot_roll_back_and_remediation_cannot_read_signal_history()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: misplaced
            spec:
              product: search
              diagnostics:
                - name: undo
                  rollback: {}
              remediation:
                - name: look
                  signalHistory: {}
            """, File);

        Assert.Equal(
            [(9, "spec.diagnostics[0].rollback"), (12, "spec.remediation[0].signalHistory")],
            result.Errors.Select(e => (e.Line, e.Field)));
    }

    [Fact]
    public void Command_outside_the_allow_list_is_rejected()
    {
        const string yaml = """
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: flush
            spec:
              product: search
              remediation:
                - name: flush caches
                  command: rm-rf
                  args: [/var/cache/search]
            """;

        Assert.True(new CatalogLoader().Parse(yaml, File).IsValid);
        var error = Assert.Single(new CatalogLoader(new HashSet<string> { "restart-search" }).Parse(yaml, File).Errors);
        Assert.Equal((9, "spec.remediation[0].command"), (error.Line, error.Field));
        Assert.Contains("allow-list (restart-search)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_url_and_zero_window_are_out_of_range()
    {
        var result = new CatalogLoader().Parse("""
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata:
              name: bad-values
            spec:
              product: search
              remediation:
                - name: restart
                  http:
                    url: /api/v1/sample/targets/search/restart
              verification:
                window: 0s
              guardrails:
                maxRunsPerHour: 0
            """, File);

        Assert.Equal(
            [(10, "spec.remediation[0].http.url"), (12, "spec.verification.window"), (14, "spec.guardrails.maxRunsPerHour")],
            result.Errors.Select(e => (e.Line, e.Field)));
    }
}
