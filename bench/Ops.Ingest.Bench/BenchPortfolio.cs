using System.Text;

namespace Ops.Ingest.Bench;

/// <summary>
/// Writes a fresh silo-config directory: the repository's appsettings.json and a catalog of
/// <see cref="AlertStream.Products"/> products (p000..p099, owned in turn by <see cref="Builders"/> builders, no
/// dependencies, one default escalation tier), with a <see cref="AlertStream.RemediableAlertName"/> runbook for the
/// first <see cref="AlertStream.RemediableProducts"/>. Every channel and remediation target is the loopback receiver:
/// <c>{receiver}/page/{builder}</c> and <c>{receiver}/remediate/{{label.instance}}</c>, so an arrival names its alert.
/// </summary>
internal static class BenchPortfolio
{
    /// <summary>How many builders own the products.</summary>
    public const int Builders = 4;

    /// <summary>Writes silo-config/ under <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string directory, string receiver)
    {
        var config = Path.Combine(directory, "silo-config");
        Directory.CreateDirectory(Path.Combine(config, "catalog"));
        Directory.CreateDirectory(Path.Combine(config, "runbooks"));
        File.Copy(Path.Combine(RepositoryRoot(), "silo-config", "appsettings.json"), Path.Combine(config, "appsettings.json"));

        var people = new StringBuilder();
        for (var b = 0; b < Builders; b++)
        {
            people.Append($$"""
                apiVersion: ops.orleans/v1
                kind: Builder
                metadata:
                  name: bench-team-{{b}}
                spec:
                  capacity: 50
                  channels:
                    - kind: webhook
                      name: bench-team-{{b}}-pages
                      url: {{receiver}}/page/bench-team-{{b}}
                ---

                """);
        }

        people.Append($$"""
            apiVersion: ops.orleans/v1
            kind: EscalationTier
            metadata:
              name: bench-architects
            spec:
              default: true
              members: [Bench]
              channels:
                - kind: webhook
                  url: {{receiver}}/page/bench-architects

            """);
        File.WriteAllText(Path.Combine(config, "catalog", "people.yaml"), people.ToString());

        var products = new StringBuilder();
        var runbooks = new StringBuilder();
        for (var p = 0; p < AlertStream.Products; p++)
        {
            var name = AlertStream.ProductName(p);
            products.Append($$"""
                {{(p > 0 ? "---\n" : "")}}apiVersion: ops.orleans/v1
                kind: Product
                metadata:
                  name: {{name}}
                spec:
                  owner: bench-team-{{p % Builders}}
                  tier: 2
                  value: 100000

                """);
            if (p < AlertStream.RemediableProducts)
            {
                runbooks.Append($$"""
                    {{(p > 0 ? "---\n" : "")}}apiVersion: ops.orleans/v1
                    kind: Runbook
                    metadata:
                      name: {{name}}-bench-remediable
                    spec:
                      product: {{name}}
                      version: 1
                      mode: automatic
                      match:
                        labels:
                          alertname: {{AlertStream.RemediableAlertName}}
                      remediation:
                        - name: restart
                          http:
                            url: "{{receiver}}/remediate/{{"{{label.instance}}"}}"
                            method: POST
                          timeout: 5s
                      verification:
                        window: 1h
                      guardrails:
                        maxRunsPerHour: 100000
                        cooldown: 0s

                    """);
            }
        }

        File.WriteAllText(Path.Combine(config, "catalog", "products.yaml"), products.ToString());
        File.WriteAllText(Path.Combine(config, "runbooks", "bench.yaml"), runbooks.ToString());
        return config;
    }

    /// <summary>The directory holding Ops.Orleans.sln, found walking up from the executable.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ops.Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Ops.Orleans.sln not found above the benchmark's binaries.");
    }
}
