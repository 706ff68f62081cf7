using System.CommandLine;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl portfolio</c>, <c>opsctl unrouted</c>, <c>opsctl heartbeat</c>: the whole portfolio's tail, and signals that reach nobody.</summary>
internal static class PortfolioCommands
{
    public static Command Portfolio(GlobalOptions globals, HelpManual manual)
    {
        var command = new Command("portfolio", "Products ranked by maintenance tail against value: keep, simplify or retire; plus capacity recommendations.")
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/portfolio", "portfolio", cancellationToken);
                return context.Show<PortfolioView>(response, portfolio =>
                {
                    context.Terminal.Line($"[grey]Tail over the last {portfolio.WindowDays} days, in hours of human attention.[/]");
                    var table = Styles.Table("PRODUCT", "OWNER", "LIFECYCLE", "VALUE", "INCIDENTS", "PAGES", "RUNS", "TOIL MIN", "TAIL H", "RECOMMENDATION", "WHY");
                    foreach (var entry in portfolio.Products)
                    {
                        table.Row(
                            Styles.Escape(entry.Product),
                            Styles.Escape(entry.Owner),
                            Styles.Escape(Styles.Kebab(entry.Lifecycle)),
                            Styles.Money(entry.Value),
                            entry.Incidents.ToString(),
                            entry.Pages.ToString(),
                            entry.Runs.ToString(),
                            Styles.Number(entry.ToilMinutes),
                            Styles.Number(entry.TailCost),
                            Recommendation(entry.Recommendation, entry.Lifecycle),
                            Styles.Escape(entry.Why));
                    }

                    context.Terminal.Write(table);
                    BuildersCommands.Recommendations(context.Terminal, portfolio.Recommendations);
                });
            });
        manual.Section(command, """
            Tail = 2 h per incident + 0.5 h per page + 0.05 h per agent run + toil hours. A high tail on a product of
            low value (or a deprecated one) is a candidate to retire; a high tail alone, to simplify.
            """);
        return command;
    }

    public static Command Unrouted(GlobalOptions globals)
    {
        var limit = OpsSymbols.Limit("At most this many recent signals (1-1000; default 100)");
        return new Command("unrouted", "Signals and changes that matched no product: kept and counted, never guessed onto one. Fix the sender's labels or add an alias.")
            .With(limit)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/unrouted" + GatewayClient.Query(("limit", context.Value(limit)?.ToString())), "unrouted signals", cancellationToken);
                return context.Show<UnroutedView>(response, unrouted =>
                {
                    context.Terminal.Line($"{unrouted.Total} signal{(unrouted.Total == 1 ? "" : "s")} matched no product since the silo started.");
                    if (unrouted.Recent.Count == 0)
                    {
                        return;
                    }

                    var now = context.Terminal.Time.GetUtcNow();
                    var table = Styles.Table("RECEIVED", "SOURCE", "FROM", "SEVERITY", "STATUS", "SUMMARY", "LABELS");
                    foreach (var signal in unrouted.Recent)
                    {
                        table.Row(
                            Styles.Age(signal.ReceivedAt, now) + " ago",
                            Styles.Escape(signal.Source),
                            Styles.Escape(signal.SourceIdentity),
                            Styles.Hint(signal.Severity),
                            Styles.State(Styles.Kebab(signal.Status)),
                            Styles.Escape(signal.Summary),
                            Styles.Escape(Styles.Labels(signal.Labels)));
                    }

                    context.Terminal.Write(table);
                });
            });
    }

    public static Command Heartbeat(GlobalOptions globals)
    {
        var source = new Argument<string>("source") { Description = "The heartbeat source (the {source} senders post to /api/v1/heartbeats/{source})" };
        var command = new Command("heartbeat", "A dead-man switch's state: its product, interval, last beat, whether it has gone silent.").With(source);
        return command.Does(globals, async (context, cancellationToken) =>
        {
            var response = await context.Gateway.GetAsync($"/api/v1/heartbeats/{GatewayClient.Segment(context.Value(source))}", $"heartbeat source {context.Value(source)}", cancellationToken);
            return context.Show<HeartbeatView>(response, heartbeat =>
            {
                var now = context.Terminal.Time.GetUtcNow();
                context.Terminal.Write(Styles.Facts(
                    ("source", Styles.Escape(heartbeat.Source)),
                    ("product", Styles.Escape(heartbeat.Product ?? "(none: a silence is an unrouted signal)")),
                    ("interval", Styles.Duration(heartbeat.Interval)),
                    ("beats", heartbeat.Beats == 0 ? "[grey]never heard of[/]" : heartbeat.Beats.ToString()),
                    ("last beat", heartbeat.LastBeatAt is { } at ? $"{Styles.Time(at)} ({Styles.Age(at, now)} ago)" : ""),
                    ("state", heartbeat.Beats == 0 ? "" : heartbeat.Silent ? "[red]silent: HeartbeatMissing is firing[/]" : "[green]beating[/]")));
            });
        });
    }

    private static string Recommendation(string recommendation, Lifecycle lifecycle) => recommendation switch
    {
        "retire" => "[red]retire[/]",
        "simplify" => "[yellow]simplify[/]",
        "keep" => "[green]keep[/]",
        _ => lifecycle == Lifecycle.Retired ? "[grey]retired[/]" : $"[grey]{Styles.Escape(recommendation)}[/]",
    };
}
