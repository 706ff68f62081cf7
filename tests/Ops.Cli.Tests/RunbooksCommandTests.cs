using Ops.Cli.Tests.Harness;

namespace Ops.Cli.Tests;

/// <summary><c>opsctl runbooks validate</c>: the silo's own validator, offline.</summary>
public sealed class RunbooksValidateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("opsctl-yaml-").FullName;

    [Fact]
    public async Task A_broken_file_exits_1_printing_file_line_column_and_field()
    {
        var file = Write("broken.yaml", """
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: billing-restart }
            spec:
              product: billing
              remediation:
                - name: restart
                  http: { url: "not a url" }
              guardrails: { maxRunsPerHour: -1 }
            """);

        var run = await new Opsctl().RunAsync("runbooks", "validate", file);

        Assert.Equal((int)ExitCode.Invalid, run.ExitCode);
        Assert.Contains($"{file}:8:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("spec.remediation[0].http.url", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("spec.guardrails.maxRunsPerHour", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_file_exits_0_and_says_what_it_holds()
    {
        var file = Write("good.yaml", """
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: billing-restart }
            spec:
              product: billing
              match: { labels: { alertname: BillingDown } }
              remediation:
                - name: restart
                  http: { url: "http://billing.internal/restart", method: POST }
            """);

        var run = await new Opsctl().RunAsync("runbooks", "validate", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{file}: valid (1 runbook)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_needs_no_gateway()
    {
        var file = Write("tier.yaml", """
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata: { name: sre }
            spec: { members: [Ada] }
            """);

        var run = await new Opsctl(gateway: "http://127.0.0.1:1").RunAsync("runbooks", "validate", file, "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("\"valid\": true", run.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }
}

/// <summary><c>opsctl runbooks list / show / apply</c> against a real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class RunbooksCatalogTests(CliSilo silo)
{
    [Fact]
    public async Task Apply_adds_the_documents_to_the_running_catalog()
    {
        var file = Path.Combine(silo.Directory, "billing.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: billing }
            spec: { owner: shop-team, tier: 2, value: 70000 }
            ---
            apiVersion: ops.orleans/v1
            kind: Runbook
            metadata: { name: billing-restart }
            spec:
              product: billing
              mode: confirm-first
              match: { labels: { alertname: BillingDown } }
              remediation:
                - name: restart
                  http: { url: "http://billing.internal/restart", method: POST }
            """);

        var apply = await silo.Opsctl().RunAsync("runbooks", "apply", file);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("1 product, 1 runbook", apply.Stdout, StringComparison.Ordinal);
        var runbooks = await silo.Opsctl().JsonAsync("runbooks", "list", "--product", "billing");
        var runbook = Assert.Single(runbooks.AsArray())!;
        Assert.Equal("billing-restart", (string?)runbook["name"]);
        Assert.Equal("confirm-first", (string?)runbook["mode"]);
    }

    [Fact]
    public async Task Apply_of_a_file_naming_an_unknown_owner_exits_1_pointing_at_the_file()
    {
        var file = Path.Combine(silo.Directory, "ledger.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: ops.orleans/v1
            kind: Product
            metadata: { name: ledger }
            spec: { owner: nobody-team }
            """);

        var apply = await silo.Opsctl().RunAsync("runbooks", "apply", file);

        Assert.Equal((int)ExitCode.Invalid, apply.ExitCode);
        Assert.Contains($"{file}: spec.owner: unknown builder 'nobody-team'", apply.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_prints_the_runbook_as_the_gateway_has_it()
    {
        var runbook = await silo.Opsctl().JsonAsync("runbooks", "show", "search-restart");

        Assert.Equal("search", (string?)runbook["product"]);
        Assert.Equal("SearchLatencyHigh", (string?)runbook["match"]!["labels"]!["alertname"]);
    }

    [Fact]
    public async Task Show_of_an_unknown_runbook_exits_3()
    {
        var show = await silo.Opsctl().RunAsync("runbooks", "show", "no-such-runbook");

        Assert.Equal((int)ExitCode.NotFound, show.ExitCode);
    }
}
