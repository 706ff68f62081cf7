using System.CommandLine;
using System.Text.Json.Nodes;
using Ops.Catalog;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl runbooks</c>: the runbooks as code; read them, check YAML offline with the silo's own validator, apply it.</summary>
internal static class RunbooksCommands
{
    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("runbooks", "Runbooks as code: list and read them, validate YAML offline with the silo's validator, apply it.");
        group.Subcommands.Add(List(globals));
        group.Subcommands.Add(Show(globals));
        group.Subcommands.Add(Validate(globals));
        group.Subcommands.Add(CatalogCommands.Apply(globals, "Apply a YAML file (runbooks, or any catalog kind) to the running catalog: validated offline first, then by the gateway."));
        manual.Section(group, """
            A runbook matches a product's symptoms (labels, layer, severity), runs diagnostics and remediation steps
            (http, an allow-listed command, the product's rollback hook), then verifies that the symptom resolved
            within a window, inside guard rails (runs per hour, cooldown). Mode automatic acts on its own;
            confirm-first proposes a run for the owner to approve. Runbooks live in silo-config/runbooks/*.yaml (see
            docs/catalog.md); promoted ones live in the product's ops agent.

            'validate' needs no gateway: it runs the same parser and per-file rules as the silo (shape, types, names,
            ranges, URLs, duplicates) and prints each problem as file:line:column: field: message. References to
            other entities (a runbook's product, an owner) are checked when the gateway applies the file.

            Examples:
              opsctl runbooks validate silo-config/runbooks/*.yaml
              opsctl runbooks apply billing.yaml
              opsctl runbooks list --product search
              opsctl runbooks show search-latency-high
            """);
        return group;
    }

    private static Command List(GlobalOptions globals)
    {
        var product = OpsSymbols.ProductFilter("Only this product's runbooks");
        return new Command("list", "The catalog's runbooks by product: version, mode, what they match, how many steps. Promoted ones: 'promotions list'.")
            .With(product)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/runbooks" + GatewayClient.Query(("product", context.Value(product))), "runbooks", cancellationToken);
                return context.Show<List<RunbookSpec>>(response, runbooks =>
                {
                    if (runbooks.Count == 0)
                    {
                        context.Terminal.Line("[grey]No runbooks.[/]");
                        return;
                    }

                    var table = Styles.Table("PRODUCT", "RUNBOOK", "VERSION", "MODE", "MATCH", "DIAGNOSTICS", "REMEDIATION", "DECLARED AT");
                    foreach (var runbook in runbooks)
                    {
                        table.Row(
                            Styles.Escape(runbook.Product),
                            Styles.Escape(runbook.Name),
                            runbook.Version.ToString(),
                            Styles.Escape(Styles.Kebab(runbook.Mode)),
                            Styles.Escape(Match(runbook.Match)),
                            runbook.Diagnostics.Count.ToString(),
                            runbook.Remediation.Count.ToString(),
                            Styles.Source(runbook.DeclaredAt));
                    }

                    context.Terminal.Write(table);
                });
            });
    }

    private static Command Show(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The runbook's name" };
        var product = OpsSymbols.ProductFilter("The product it belongs to (needed when several products have a runbook of that name)");
        var version = new Option<int?>("--version") { Description = "That version (default: the highest, catalog or promotion)", HelpName = "n" };
        return new Command("show", "One runbook: what it matches, its steps, verification and guard rails; catalog or promoted.")
            .With(name, product, version)
            .Does(globals, async (context, cancellationToken) =>
            {
                var filter = GatewayClient.Query(("product", context.Value(product)));
                var catalog = await context.Gateway.GetAsync("/api/v1/runbooks" + filter, "runbooks", cancellationToken);
                var promotions = await context.Gateway.GetAsync("/api/v1/promotions" + filter, "promotions", cancellationToken);

                // Candidates: the catalog's runbooks and every promotion's runbook, each with its JSON as received.
                var candidates = new List<(RunbookSpec Spec, JsonNode? Json, PromotionView? Promotion)>();
                var catalogJson = JsonNode.Parse(catalog.Text) as JsonArray ?? [];
                candidates.AddRange(catalog.Read<List<RunbookSpec>>().Select((spec, i) => (spec, catalogJson[i], (PromotionView?)null)));
                var promotionsJson = JsonNode.Parse(promotions.Text) as JsonArray ?? [];
                candidates.AddRange(promotions.Read<List<PromotionView>>().Select((p, i) => (p.Runbook, promotionsJson[i]?["runbook"], (PromotionView?)p)));

                var named = candidates.Where(c => c.Spec.Name == context.Value(name)).ToList();
                var products = named.Select(c => c.Spec.Product).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (products.Count > 1)
                {
                    throw new OpsctlException(ExitCode.Invalid, $"runbook '{context.Value(name)}' exists for {string.Join(", ", products)}; choose one with --product.");
                }

                var chosen = named.Where(c => context.Value(version) is not { } v || c.Spec.Version == v).OrderByDescending(c => c.Spec.Version).FirstOrDefault();
                if (chosen.Spec is null)
                {
                    var where = context.Value(product) is { } p ? $" for product {p}" : "";
                    var which = context.Value(version) is { } v ? $" version {v}" : "";
                    var versions = named.Count > 0 ? $" (versions: {string.Join(", ", named.Select(c => c.Spec.Version).Order())})" : "";
                    throw new OpsctlException(ExitCode.NotFound, $"no runbook '{context.Value(name)}'{which}{where} in the catalog or the promotions{versions}.");
                }

                if (context.Terminal.Json)
                {
                    context.Terminal.WriteJson(chosen.Json);
                    return ExitCode.Ok;
                }

                Render(context.Terminal, chosen.Spec, chosen.Promotion, named.Select(c => c.Spec.Version).Where(v => v != chosen.Spec.Version).Order().ToList());
                return ExitCode.Ok;
            });
    }

    private static Command Validate(GlobalOptions globals)
    {
        var files = new Argument<string[]>("files") { Description = "YAML files (one or more documents each, any kind)", Arity = ArgumentArity.OneOrMore };
        return new Command("validate", "Check YAML files offline with the silo's own validator; prints file:line:column: field: message, exits 1 if any is invalid.")
            .With(files)
            .Does(globals, (context, _) =>
            {
                var results = context.Value(files).Select(Check).ToList();
                if (context.Terminal.Json)
                {
                    context.Terminal.WriteJson(new JsonArray([.. results.Select(r => r.ToJson())]));
                }
                else
                {
                    foreach (var result in results)
                    {
                        result.Print(context.Terminal);
                    }
                }

                return Task.FromResult(results.All(r => r.IsValid) ? ExitCode.Ok : ExitCode.Invalid);
            });
    }

    /// <summary>Reads and validates one file as the silo would (per-file rules); an unreadable file is one error.</summary>
    internal static FileCheck Check(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new FileCheck(path, null, [new CatalogError(path, 0, 0, "", $"cannot read the file: {e.Message}")]);
        }

        var result = new CatalogLoader().Parse(text, path);
        return new FileCheck(path, result.Snapshot, result.Errors);
    }

    /// <summary>The outcome of validating one file.</summary>
    internal sealed record FileCheck(string File, CatalogSnapshot? Snapshot, IReadOnlyList<CatalogError> Errors)
    {
        public bool IsValid => Errors.Count == 0;

        public string Contents => Snapshot is null ? "" : Counted(Snapshot.Products.Count, Snapshot.Builders.Count, Snapshot.Tiers.Count, Snapshot.Runbooks.Count);

        public void Print(OpsTerminal terminal)
        {
            if (IsValid)
            {
                terminal.Line($"{Styles.Escape(File)}: [green]valid[/] ({Contents})");
                return;
            }

            foreach (var error in Errors)
            {
                terminal.Text(error.ToString());
            }

            terminal.Line($"{Styles.Escape(File)}: [red]{Errors.Count} error{(Errors.Count == 1 ? "" : "s")}[/]");
        }

        public JsonObject ToJson() => new()
        {
            ["file"] = File,
            ["valid"] = IsValid,
            ["products"] = Snapshot?.Products.Count ?? 0,
            ["builders"] = Snapshot?.Builders.Count ?? 0,
            ["tiers"] = Snapshot?.Tiers.Count ?? 0,
            ["runbooks"] = Snapshot?.Runbooks.Count ?? 0,
            ["errors"] = new JsonArray([.. Errors.Select(e => (JsonNode)new JsonObject
            {
                ["file"] = e.File,
                ["line"] = e.Line,
                ["column"] = e.Column,
                ["field"] = e.Field,
                ["message"] = e.Message,
            })]),
        };
    }

    /// <summary><c>1 product, 2 runbooks</c>; <c>nothing</c> when empty.</summary>
    internal static string Counted(int products, int builders, int tiers, int runbooks)
    {
        var parts = new[] { (products, "product"), (builders, "builder"), (tiers, "escalation tier"), (runbooks, "runbook") }
            .Where(p => p.Item1 > 0)
            .Select(p => $"{p.Item1} {p.Item2}{(p.Item1 == 1 ? "" : "s")}")
            .ToList();
        return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
    }

    internal static string Match(RunbookMatch match)
    {
        var parts = new List<string>();
        if (match.Layer is { } layer)
        {
            parts.Add($"layer={Styles.Kebab(layer)}");
        }

        parts.AddRange(match.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        if (match.Fingerprint is { } fingerprint)
        {
            parts.Add($"fingerprint={fingerprint}");
        }

        if (match.Severities.Count > 0)
        {
            parts.Add($"severity={string.Join('|', match.Severities.Select(Styles.Kebab))}");
        }

        return parts.Count == 0 ? "any symptom" : string.Join(' ', parts);
    }

    private static void Render(OpsTerminal terminal, RunbookSpec runbook, PromotionView? promotion, IReadOnlyList<int> otherVersions)
    {
        terminal.Line($"[bold]{Styles.Escape(runbook.Name)}[/] v{runbook.Version}  ({Styles.Escape(runbook.Product)})");
        terminal.Write(Styles.Facts(
            ("description", Styles.Escape(runbook.Description)),
            ("mode", Styles.Escape(Styles.Kebab(runbook.Mode))),
            ("source", promotion is null
                ? runbook.DeclaredAt is null ? "catalog" : Styles.Source(runbook.DeclaredAt)
                : $"promotion {Styles.Escape(promotion.PromotionId)} ({Styles.State(promotion.State)}) from {Styles.Escape(Styles.List(promotion.Incidents))}"),
            ("matches", Styles.Escape(Match(runbook.Match))),
            ("verification", $"the symptom resolves within {Styles.Duration(runbook.Verification.Window)}"),
            ("guard rails", $"at most {runbook.Guardrails.MaxRunsPerHour} runs per hour, {(runbook.Guardrails.Cooldown > TimeSpan.Zero ? Styles.Duration(runbook.Guardrails.Cooldown) : "no")} cooldown"),
            ("other versions", Styles.Escape(string.Join(", ", otherVersions)))));

        var steps = Styles.Table("PHASE", "STEP", "KIND", "ACTION", "TIMEOUT");
        foreach (var (phase, step) in runbook.Diagnostics.Select(s => ("diagnose", s)).Concat(runbook.Remediation.Select(s => ("remediate", s))))
        {
            steps.Row(phase, Styles.Escape(step.Name), Styles.Escape(Styles.Kebab(step.Kind)), Styles.Escape(Action(step)), Styles.Duration(step.Timeout));
        }

        terminal.Write(steps);
    }

    private static string Action(RunbookStep step) => step.Kind switch
    {
        StepKind.Http when step.Http is { } http => $"{http.Method} {http.Url}{(http.Body is { } body ? " " + body : "")}",
        StepKind.Command => string.Join(' ', [step.Command ?? "", .. step.Arguments]),
        StepKind.Rollback => "the product's rollback hook",
        StepKind.SignalHistory => "the symptom's recent signals and the product's last change",
        _ => "",
    };
}
