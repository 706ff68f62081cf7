using System.CommandLine;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;
using Ops.Contracts.Catalog;
using Ops.Contracts.Signals;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl products</c>: the portfolio's products, their live symptoms and ops agents; hand one over or retire it.</summary>
internal static class ProductsCommands
{
    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("products", "Products in the catalog: owner, lifecycle, dependencies, live symptoms, agent runs; transfer or retire one.");
        group.Subcommands.Add(List(globals));
        group.Subcommands.Add(Show(globals));
        group.Subcommands.Add(Transfer(globals));
        group.Subcommands.Add(Retire(globals));
        manual.Section(group, """
            A product is owned by one builder, who is paged for its contained incidents and carries it in their load.
            Transferring hands it over with its runbooks; retiring keeps recording its signals but stops its ops agent
            and its pages, and takes it out of its owner's load.

            Examples:
              opsctl products show orders
              opsctl products transfer orders --to platform-team
              opsctl products retire legacy-reports
            """);
        return group;
    }

    private static Command List(GlobalOptions globals) =>
        new Command("list", "Every product (retired ones too): owner, lifecycle, kind, tier, dependencies, declared value.")
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/products", "products", cancellationToken);
                return context.Show<List<ProductSpec>>(response, products =>
                {
                    var table = Styles.Table("PRODUCT", "OWNER", "LIFECYCLE", "KIND", "TIER", "DEPENDS ON", "VALUE", "DECLARED AT");
                    foreach (var product in products)
                    {
                        table.Row(
                            Styles.Escape(product.Name),
                            Styles.Escape(product.Owner),
                            Lifecycle(product.Lifecycle),
                            Styles.Escape(Styles.Kebab(product.Kind)),
                            product.Tier.ToString(),
                            Styles.Escape(Styles.List(product.DependsOn)),
                            Styles.Money(product.Value),
                            Styles.Source(product.DeclaredAt));
                    }

                    context.Terminal.Write(table);
                });
            });

    private static Command Show(GlobalOptions globals)
    {
        var name = OpsSymbols.Product();
        return new Command("show", "One product: its catalog entry, who depends on it, its live symptoms, its ops agent's runs and promotions.")
            .With(name)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync($"/api/v1/products/{GatewayClient.Segment(context.Value(name))}", $"product {context.Value(name)}", cancellationToken);
                return context.Show<ProductDocument>(response, product => Render(context.Terminal, product));
            });
    }

    private static Command Transfer(GlobalOptions globals)
    {
        var name = OpsSymbols.Product();
        var to = new Option<string>("--to") { Description = "The builder that takes it over", HelpName = "builder", Required = true };
        return new Command("transfer", "Hand a product (with its runbooks) to another builder: they are paged for it from now on, and carry its load.")
            .With(name, to)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.PostJsonAsync(
                    $"/api/v1/products/{GatewayClient.Segment(context.Value(name))}/transfer",
                    new { actor = context.Actor, to = context.Value(to) },
                    $"product {context.Value(name)}",
                    cancellationToken);
                return context.Show<ProductSpec>(response, product =>
                {
                    context.Terminal.Line($"[bold]{Styles.Escape(product.Name)}[/] now belongs to [bold]{Styles.Escape(product.Owner)}[/]: its pages go to them from now on.");
                });
            });
    }

    private static Command Retire(GlobalOptions globals)
    {
        var name = OpsSymbols.Product();
        return new Command("retire", "Retire a product: its signals are still recorded, but its agent stops acting and nobody is paged for it.")
            .With(name)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.PostJsonAsync(
                    $"/api/v1/products/{GatewayClient.Segment(context.Value(name))}/retire", new { actor = context.Actor }, $"product {context.Value(name)}", cancellationToken);
                return context.Show<ProductSpec>(response, product =>
                {
                    context.Terminal.Line($"[bold]{Styles.Escape(product.Name)}[/] is {Lifecycle(product.Lifecycle)}: no runbooks run and nobody is paged for it; it no longer counts in {Styles.Escape(product.Owner)}'s load.");
                });
            });
    }

    private static string Lifecycle(Lifecycle lifecycle) => lifecycle switch
    {
        Contracts.Catalog.Lifecycle.Production => "[green]production[/]",
        Contracts.Catalog.Lifecycle.Experimental => "[blue]experimental[/]",
        Contracts.Catalog.Lifecycle.Deprecated => "[yellow]deprecated[/]",
        _ => "[grey]retired[/]",
    };

    private static void Render(OpsTerminal terminal, ProductDocument document)
    {
        var (spec, live, agent) = (document.Spec, document.Live, document.Agent);
        terminal.Line($"[bold]{Styles.Escape(spec.Name)}[/]{(spec.Description is { } d ? "  " + Styles.Escape(d) : "")}");
        terminal.Write(Styles.Facts(
            ("owner", Styles.Escape(spec.Owner)),
            ("lifecycle", Lifecycle(spec.Lifecycle)),
            ("kind", $"{Styles.Escape(Styles.Kebab(spec.Kind))}, tier {spec.Tier}"),
            ("system", Styles.Escape(spec.System)),
            ("depends on", Styles.Escape(Styles.List(spec.DependsOn))),
            ("dependents", Styles.Escape(Styles.List(document.Dependents))),
            ("value", Styles.Money(spec.Value)),
            ("outcome", spec.Outcome is { } o ? Styles.Escape($"{o.Metric} in [{o.Min?.ToString() ?? "-"}, {o.Max?.ToString() ?? "-"}]") + (live.OutcomeValue is { } v ? $", now {Styles.Number(v)}" : "") : ""),
            ("aliases", Styles.Escape(Styles.List(spec.Aliases))),
            ("routing keys", spec.RoutingKeys.Count > 0 ? $"{spec.RoutingKeys.Count}" : ""),
            ("rollback", Styles.Escape(spec.Rollback is { } r ? $"{r.Method} {r.Url}" : "")),
            ("escalation tier", Styles.Escape(spec.EscalationTier)),
            ("declared at", Styles.Source(spec.DeclaredAt)),
            ("signals", $"{live.SignalsReceived} received, {live.OccurrencesOpened} occurrences opened"),
            ("agent", $"{agent.Runbooks.Count} active runbooks; runs {agent.RunsSucceeded} succeeded, {agent.RunsFailed} failed; {agent.Escalations} escalations; {agent.Promotions.Count} promotions")));

        var now = terminal.Time.GetUtcNow();
        var firing = live.Symptoms.Where(s => s.Status == SignalStatus.Firing).ToList();
        terminal.Heading($"Live symptoms ({firing.Count} firing of {live.Symptoms.Count})");
        if (live.Symptoms.Count > 0)
        {
            var symptoms = Styles.Table("FINGERPRINT", "STATUS", "LAYER", "SEVERITY", "SUMMARY", "OCCURRENCE", "SIGNALS", "LAST SEEN", "LABELS");
            foreach (var symptom in live.Symptoms.OrderBy(s => s.Status).ThenByDescending(s => s.LastSeen))
            {
                symptoms.Row(
                    Styles.Escape(symptom.Fingerprint),
                    Styles.State(Styles.Kebab(symptom.Status)) + (symptom.Acknowledged ? " [grey](acked at source)[/]" : ""),
                    Styles.Escape(Styles.Kebab(symptom.Layer)),
                    Styles.Hint(symptom.Severity),
                    Styles.Escape(symptom.Summary),
                    Styles.Escape(symptom.OccurrenceId),
                    symptom.SignalCount.ToString(),
                    Styles.Age(symptom.LastSeen, now) + " ago",
                    Styles.Escape(Styles.Labels(symptom.Labels)));
            }

            terminal.Write(symptoms);
        }

        if (agent.Runs.Count > 0)
        {
            terminal.Heading($"Agent runs (last {Math.Min(agent.Runs.Count, 10)} of {agent.Runs.Count})");
            RunsCommands.Table(terminal, agent.Runs.Take(10));
        }

        if (live.Changes.Count > 0)
        {
            var last = live.Changes[0];
            terminal.Line($"[grey]last change:[/] {Styles.Escape(last.Summary)} ({Styles.Age(last.Timestamp, now)} ago)");
        }
    }
}
