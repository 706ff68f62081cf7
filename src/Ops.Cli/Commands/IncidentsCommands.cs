using System.CommandLine;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;
using Ops.Contracts.Grains;
using Spectre.Console;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl incidents</c>: what pages people, and the human side of the loop: acknowledge, note, resolve with a fix.</summary>
internal static class IncidentsCommands
{
    private static readonly string[] FixKinds = ["http", "command", "rollback", "manual"];

    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("incidents", "What pages people: list and inspect incidents, acknowledge, note, resolve with a structured fix.");
        group.Subcommands.Add(List(globals));
        group.Subcommands.Add(Show(globals));
        group.Subcommands.Add(Acknowledge(globals));
        group.Subcommands.Add(Note(globals));
        group.Subcommands.Add(Resolve(globals, manual));
        manual.Section(group, """
            An incident is opened for a symptom no runbook absorbed (no runbook matched, the remediation failed or did
            not verify, a guard rail stopped it, the owner rejected the proposed run). Its blast radius decides who is
            paged: product (contained: the owning builder), cross-product or platform (the escalation tier). An
            unacknowledged incident escalates one step each time its acknowledgement deadline passes.

            Examples:
              opsctl incidents list --state open --product orders
              opsctl incidents show inc-15d0c29bad0f
              opsctl incidents ack inc-15d0c29bad0f
              opsctl incidents note inc-15d0c29bad0f "pool at 98% on pg-primary"
              opsctl incidents resolve inc-15d0c29bad0f --kind http \
                --target "http://orders:8080/admin/drain-queue?instance=orders-1" --param method=POST \
                --param 'body={"queue":"fulfilment"}' --text "drained the fulfilment queue"
            """);
        return group;
    }

    private static Command List(GlobalOptions globals)
    {
        var state = new Option<string?>("--state") { Description = "Only incidents in this state", HelpName = "open|acknowledged|resolved" }
            .AcceptOnlyFromAmong(IncidentStates.Open, IncidentStates.Acknowledged, IncidentStates.Resolved);
        var product = OpsSymbols.ProductFilter("Only incidents touching this product");
        var limit = OpsSymbols.Limit();
        return new Command("list", "Incidents, newest first: severity, state, blast radius, root product, age.")
            .With(state, product, limit)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync(
                    "/api/v1/incidents" + GatewayClient.Query(("state", context.Value(state)), ("product", context.Value(product)), ("limit", context.Value(limit)?.ToString())),
                    "incidents",
                    cancellationToken);
                return context.Show<List<IncidentSummary>>(response, incidents =>
                {
                    if (incidents.Count == 0)
                    {
                        context.Terminal.Line("[grey]No incidents.[/]");
                        return;
                    }

                    var now = context.Terminal.Time.GetUtcNow();
                    var table = Styles.Table("ID", "SEV", "STATE", "RADIUS", "ROOT", "PRODUCTS", "AGE", "TITLE");
                    foreach (var incident in incidents)
                    {
                        table.Row(
                            Styles.Escape(incident.IncidentId),
                            Styles.Severity(incident.Severity),
                            Styles.State(incident.State),
                            Styles.Escape(Styles.Kebab(incident.BlastRadius)),
                            Styles.Escape(incident.RootProduct),
                            Styles.Escape(Styles.List(incident.Products)),
                            Styles.Age(incident.OpenedAt, now),
                            Styles.Escape(incident.Title));
                    }

                    context.Terminal.Write(table);
                });
            });
    }

    private static Command Show(GlobalOptions globals)
    {
        var id = OpsSymbols.IncidentId();
        return new Command("show", "One incident: summary, symptoms, timeline, and each page with its deliveries.")
            .With(id)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync($"/api/v1/incidents/{GatewayClient.Segment(context.Value(id))}", $"incident {context.Value(id)}", cancellationToken);
                return context.Show<IncidentView>(response, incident => Render(context.Terminal, incident));
            });
    }

    private static Command Acknowledge(GlobalOptions globals)
    {
        var id = OpsSymbols.IncidentId();
        var command = new Command("ack", "Acknowledge: you have it. Stops the escalation clock and marks the pages acknowledged.").With(id);
        command.Aliases.Add("acknowledge");
        return command.Does(globals, async (context, cancellationToken) =>
        {
            var response = await context.Gateway.PostJsonAsync(
                $"/api/v1/incidents/{GatewayClient.Segment(context.Value(id))}/acknowledge", new { actor = context.Actor }, $"incident {context.Value(id)}", cancellationToken);
            return Report(context, response, incident =>
                $"Acknowledged [bold]{Styles.Escape(incident.Summary.IncidentId)}[/] as {Styles.Escape(incident.AcknowledgedBy ?? context.Actor)}: the escalation clock is stopped.");
        });
    }

    private static Command Note(GlobalOptions globals)
    {
        var id = OpsSymbols.IncidentId();
        var text = new Argument<string>("text") { Description = "The note, as it should read on the timeline" };
        return new Command("note", "Add a note to the incident's timeline (what you saw, what you tried).")
            .With(id, text)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.PostJsonAsync(
                    $"/api/v1/incidents/{GatewayClient.Segment(context.Value(id))}/notes",
                    new { actor = context.Actor, text = context.Value(text) },
                    $"incident {context.Value(id)}",
                    cancellationToken);
                return Report(context, response, incident => $"Noted on [bold]{Styles.Escape(incident.Summary.IncidentId)}[/].");
            });
    }

    private static Command Resolve(GlobalOptions globals, HelpManual manual)
    {
        var id = OpsSymbols.IncidentId();
        var kind = new Option<string>("--kind")
        {
            Description = "What kind of fix you applied: http (a call), command (an allow-listed command), rollback (the product's rollback hook), manual (anything else; counted, never automated)",
            HelpName = "kind",
            Required = true,
        }.AcceptOnlyFromAmong(FixKinds);
        var target = new Option<string?>("--target")
        {
            Description = "The URL (http), the command name (command) or the product (rollback); required for http and command",
            HelpName = "target",
        };
        var parameters = new Option<string[]>("--param")
        {
            Description = "A fix parameter, repeatable: for http method=POST and body=...; for command the values in key order become the arguments",
            HelpName = "key=value",
            AllowMultipleArgumentsPerToken = false,
        };
        parameters.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Select(t => t.Value).Where(v => v.IndexOf('=', StringComparison.Ordinal) <= 0))
            {
                result.AddError($"--param '{token}' is not key=value (e.g. --param method=POST).");
            }
        });
        var text = new Option<string?>("--text") { Description = "What you did, in words (on the timeline; not part of the fix's signature)", HelpName = "text" };
        var command = new Command("resolve", "Resolve with the structured fix you applied; the product's ops agent learns from it (rule of three).")
            .With(id, kind, target, parameters, text)
            .Does(globals, async (context, cancellationToken) =>
            {
                var fixParameters = (context.Value(parameters) ?? [])
                    .Select(p => p.Split('=', 2))
                    .GroupBy(p => p[0], StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
                var fix = new StructuredFix { Kind = context.Value(kind), Target = context.Value(target) ?? "", Parameters = fixParameters, Text = context.Value(text) };
                var response = await context.Gateway.PostJsonAsync(
                    $"/api/v1/incidents/{GatewayClient.Segment(context.Value(id))}/resolve",
                    new { actor = context.Actor, fix },
                    $"incident {context.Value(id)}",
                    cancellationToken);
                return Report(context, response, incident =>
                    $"Resolved [bold]{Styles.Escape(incident.Summary.IncidentId)}[/] with a {Styles.Escape(fix.Kind)} fix{(fix.Target.Length > 0 ? " (" + Styles.Escape(fix.Target) + ")" : "")}: "
                    + $"recorded by the ops agent of {Styles.Escape(Styles.List(incident.Summary.Products))} for the rule of three.");
            });
        manual.Section(command, """
            Three equivalent fixes (same kind, target and parameters once volatile labels such as instance or pod are
            templated) in distinct incidents of the same symptom class make the ops agent propose a runbook: see
            'opsctl promotions'. Resolving does not resolve the symptom; the monitoring source does that.

            Examples:
              opsctl incidents resolve inc-1 --kind http --target "http://orders/admin/drain?instance=orders-1" --param method=POST
              opsctl incidents resolve inc-2 --kind command --target restart-service --param 1=orders
              opsctl incidents resolve inc-3 --kind rollback --target checkout --text "rolled back 2026.11.4"
              opsctl incidents resolve inc-4 --kind manual --text "replaced the disk"
            """);
        return command;
    }

    /// <summary>After an action: the gateway's JSON, or one line saying what changed and the incident's state.</summary>
    private static ExitCode Report(OpsContext context, GatewayResponse response, Func<IncidentView, string> line) =>
        context.Show<IncidentView>(response, incident =>
        {
            context.Terminal.Line(line(incident));
            context.Terminal.Line($"{Styles.Escape(incident.Summary.IncidentId)}  {Styles.Severity(incident.Summary.Severity)}  {Styles.State(incident.Summary.State)}  {Styles.Escape(incident.Summary.Title)}");
        });

    private static void Render(OpsTerminal terminal, IncidentView incident)
    {
        var summary = incident.Summary;
        var now = terminal.Time.GetUtcNow();
        terminal.Line($"[bold]{Styles.Escape(summary.IncidentId)}[/]  {Styles.Escape(summary.Title)}");
        terminal.Write(Styles.Facts(
            ("state", Styles.State(summary.State)),
            ("severity", Styles.Severity(summary.Severity)),
            ("blast radius", Styles.Escape(Styles.Kebab(summary.BlastRadius))),
            ("root product", Styles.Escape(summary.RootProduct)),
            ("products", Styles.Escape(Styles.List(summary.Products))),
            ("why people", Styles.Escape(Styles.Kebab(incident.Reason)) + (incident.RunId is { } run ? $" (run {Styles.Escape(run)})" : "")),
            ("opened", $"{Styles.Time(summary.OpenedAt)} ({Styles.Age(summary.OpenedAt, now)} ago)"),
            ("acknowledged", summary.AcknowledgedAt is { } ack ? $"{Styles.Time(ack)} by {Styles.Escape(incident.AcknowledgedBy)}" : ""),
            ("ack deadline", incident.AckDeadline is { } deadline ? $"{Styles.Time(deadline)} (escalation step {incident.EscalationStep})" : ""),
            ("resolved", summary.ResolvedAt is { } resolved ? $"{Styles.Time(resolved)} by {Styles.Escape(incident.ResolvedBy)}" : ""),
            ("fix", incident.Fix is { } fix ? Styles.Escape(Describe(fix)) : "")));

        if (incident.Symptoms.Count > 0)
        {
            terminal.Heading("Symptoms");
            var symptoms = Styles.Table("OCCURRENCE", "LAYER", "SEVERITY", "SUMMARY", "LABELS");
            foreach (var symptom in incident.Symptoms)
            {
                symptoms.Row(Styles.Escape(symptom.OccurrenceId), Styles.Escape(Styles.Kebab(symptom.Layer)), Styles.Hint(symptom.Severity), Styles.Escape(symptom.Summary), Styles.Escape(Styles.Labels(symptom.Labels)));
            }

            terminal.Write(symptoms);
        }

        terminal.Heading("Timeline");
        var timeline = Styles.Table("AT", "KIND", "ACTOR", "TEXT");
        foreach (var entry in incident.Timeline)
        {
            timeline.Row(Styles.Time(entry.At), Styles.Escape(entry.Kind), Styles.Escape(entry.Actor), Styles.Escape(entry.Text));
        }

        terminal.Write(timeline);
        if (incident.Pages.Count > 0)
        {
            terminal.Heading("Pages");
            var pages = Styles.Table("AT", "RECIPIENT", "REASON", "CHANNEL", "KIND", "DELIVERED", "STATUS", "ATTEMPTS", "ERROR");
            foreach (var page in incident.Pages)
            {
                var recipient = $"{Styles.Escape(page.Recipient)} [grey]({Styles.Escape(page.RecipientKind)})[/]";
                if (page.Deliveries.Count == 0)
                {
                    pages.Row(Styles.Time(page.At), recipient, Styles.Escape(page.Reason), "[grey]no channel[/]", "", "", "", "", "");
                }

                foreach (var delivery in page.Deliveries)
                {
                    pages.Row(
                        Styles.Time(page.At),
                        recipient,
                        Styles.Escape(page.Reason),
                        Styles.Escape(delivery.Channel),
                        Styles.Escape(Styles.Kebab(delivery.Kind)),
                        delivery.Delivered ? "[green]yes[/]" : "[red]no[/]",
                        delivery.StatusCode?.ToString() ?? "",
                        delivery.Attempts.ToString(),
                        Styles.Escape(delivery.Error));
                }
            }

            terminal.Write(pages);
        }
    }

    /// <summary><c>http POST http://... method=POST — drained the queue</c>.</summary>
    internal static string Describe(StructuredFix fix)
    {
        var parts = new List<string> { fix.Kind };
        if (fix.Target.Length > 0)
        {
            parts.Add(fix.Target);
        }

        parts.AddRange(fix.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        return string.Join(' ', parts) + (fix.Text is { Length: > 0 } text ? $" — {text}" : "");
    }
}
