using System.CommandLine;
using System.Text.Json.Nodes;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;
using Ops.Contracts.Grains;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl runs</c>: the ops agent's runbook runs, and the owner's yes or no on confirm-first ones.</summary>
internal static class RunsCommands
{
    private static readonly string[] States =
    [
        RunStates.AwaitingApproval, RunStates.Running, RunStates.Verifying, RunStates.Verified,
        RunStates.Failed, RunStates.NotVerified, RunStates.Rejected, RunStates.Expired,
    ];

    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("runs", "Runbook runs of a product's ops agent; approve or reject the confirm-first ones waiting for you.");
        group.Subcommands.Add(List(globals));
        group.Subcommands.Add(Decide(globals, "approve", "Approve a run awaiting approval: it executes now (diagnostics, remediation), then waits to verify."));
        group.Subcommands.Add(Decide(globals, "reject", "Reject a run awaiting approval: if the symptom still fires, it escalates to people as an incident."));
        manual.Section(group, """
            A confirm-first runbook (authored, or an approved promotion) does not act on its own: its run waits in
            awaiting-approval and the owner's channels get an approval request. A run that is not approved before its
            symptom resolves expires.

            Examples:
              opsctl runs list checkout --state awaiting-approval
              opsctl runs approve checkout run-5851388ca529
              opsctl runs reject checkout run-5851388ca529
            """);
        return group;
    }

    private static Command List(GlobalOptions globals)
    {
        var product = OpsSymbols.Product();
        var state = new Option<string?>("--state") { Description = "Only runs in this state", HelpName = "state" }.AcceptOnlyFromAmong(States);
        return new Command("list", "A product's runs, newest first: runbook, state, occurrence, who approved.")
            .With(product, state)
            .Does(globals, async (context, cancellationToken) =>
            {
                var name = context.Value(product);
                var response = await context.Gateway.GetAsync($"/api/v1/products/{GatewayClient.Segment(name)}/agent", $"product {name}", cancellationToken);
                var agent = response.Read<OpsAgentView>();
                var runs = agent.Runs.Where(r => context.Value(state) is not { } s || r.State == s).ToList();
                if (context.Terminal.Json)
                {
                    // The agent's "runs" member as received, filtered by state.
                    var all = JsonNode.Parse(response.Text)?["runs"] as JsonArray ?? [];
                    context.Terminal.WriteJson(new JsonArray([.. all.Where(r => context.Value(state) is not { } s || (string?)r?["state"] == s).Select(r => r?.DeepClone())]));
                    return ExitCode.Ok;
                }

                if (runs.Count == 0)
                {
                    context.Terminal.Line("[grey]No runs.[/]");
                    return ExitCode.Ok;
                }

                Table(context.Terminal, runs);
                return ExitCode.Ok;
            });
    }

    private static Command Decide(GlobalOptions globals, string decision, string description)
    {
        var product = OpsSymbols.Product();
        var run = new Argument<string>("run-id") { Description = "The run's id (run-… as 'runs list' shows it)" };
        return new Command(decision, description)
            .With(product, run)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.PostJsonAsync(
                    $"/api/v1/products/{GatewayClient.Segment(context.Value(product))}/runs/{GatewayClient.Segment(context.Value(run))}/{decision}",
                    new { actor = context.Actor },
                    $"run {context.Value(run)} of {context.Value(product)}",
                    cancellationToken);
                return context.Show<RunView>(response, view =>
                {
                    context.Terminal.Line($"Run [bold]{Styles.Escape(view.RunId)}[/] ({Styles.Escape(view.Runbook)} v{view.RunbookVersion}) is {Styles.State(view.State)}.");
                    Steps(context.Terminal, view);
                });
            });
    }

    internal static void Table(OpsTerminal terminal, IEnumerable<RunView> runs)
    {
        var now = terminal.Time.GetUtcNow();
        var table = Styles.Table("RUN", "RUNBOOK", "STATE", "OCCURRENCE", "STARTED", "FINISHED", "APPROVED BY");
        foreach (var run in runs)
        {
            table.Row(
                Styles.Escape(run.RunId),
                $"{Styles.Escape(run.Runbook)} v{run.RunbookVersion}",
                Styles.State(run.State),
                Styles.Escape(run.OccurrenceId),
                Styles.Age(run.StartedAt, now) + " ago",
                run.FinishedAt is { } finished ? Styles.Age(finished, now) + " ago" : "",
                Styles.Escape(run.ApprovedBy));
        }

        terminal.Write(table);
    }

    private static void Steps(OpsTerminal terminal, RunView run)
    {
        var steps = run.Diagnostics.Select(s => ("diagnose", s)).Concat(run.Remediation.Select(s => ("remediate", s))).ToList();
        if (steps.Count == 0)
        {
            return;
        }

        var table = Styles.Table("PHASE", "STEP", "KIND", "OK", "STATUS", "ATTEMPTS", "MS", "OUTPUT / ERROR");
        foreach (var (phase, step) in steps)
        {
            table.Row(
                phase,
                Styles.Escape(step.Step),
                Styles.Escape(Styles.Kebab(step.Kind)),
                step.Succeeded ? "[green]yes[/]" : "[red]no[/]",
                step.StatusCode?.ToString() ?? "",
                step.Attempts.ToString(),
                Styles.Number(step.DurationMs),
                Styles.Escape(step.Error ?? Truncate(step.Output, 120)));
        }

        terminal.Write(table);
    }

    private static string Truncate(string text, int length)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= length ? line : line[..length] + "…";
    }
}
