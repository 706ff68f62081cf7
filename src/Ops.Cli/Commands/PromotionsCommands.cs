using System.CommandLine;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;
using Ops.Contracts.Grains;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl promotions</c>: runbooks the rule of three proposed from human fixes, and the owner's decision on them.</summary>
internal static class PromotionsCommands
{
    private static readonly string[] States = ["proposed", "approved", "promoted", "rejected"];

    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("promotions", "The rule of three: runbooks proposed from three equivalent human fixes; approve, promote or reject them.");
        group.Subcommands.Add(List(globals));
        group.Subcommands.Add(Decide(globals, "approve", "Activate it in confirm-first mode: each matching occurrence proposes a run that waits for 'opsctl runs approve'."));
        group.Subcommands.Add(Decide(globals, "promote", "Activate it as automatic at once: matching occurrences are remediated without asking."));
        group.Subcommands.Add(Decide(globals, "reject", "Discard it: it never becomes active."));
        manual.Section(group, """
            When people resolve incidents of the same symptom class with the same fix three times, the product's ops
            agent proposes a runbook (promoted-<alertname>-<kind>, confirm-first) and notifies the owner. An approved
            promotion becomes automatic on its own after enough approved runs verify; 'promote' skips that.

            Examples:
              opsctl promotions list --state proposed
              opsctl runbooks show promoted-ordersqueuebacklog-http --product orders
              opsctl promotions approve orders prm-2deb5fbcdd61
            """);
        return group;
    }

    private static Command List(GlobalOptions globals)
    {
        var product = OpsSymbols.ProductFilter("Only this product's promotions");
        var state = new Option<string?>("--state") { Description = "Only promotions in this state", HelpName = "proposed|approved|promoted|rejected" }.AcceptOnlyFromAmong(States);
        return new Command("list", "Promotions by product: state, the proposed runbook, the incidents whose fixes produced it.")
            .With(product, state)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync(
                    "/api/v1/promotions" + GatewayClient.Query(("product", context.Value(product)), ("state", context.Value(state))), "promotions", cancellationToken);
                return context.Show<List<PromotionView>>(response, promotions =>
                {
                    if (promotions.Count == 0)
                    {
                        context.Terminal.Line("[grey]No promotions.[/]");
                        return;
                    }

                    var now = context.Terminal.Time.GetUtcNow();
                    var table = Styles.Table("ID", "PRODUCT", "STATE", "RUNBOOK", "MODE", "FROM INCIDENTS", "PROPOSED", "DECIDED BY", "APPROVED RUNS OK");
                    foreach (var promotion in promotions)
                    {
                        table.Row(
                            Styles.Escape(promotion.PromotionId),
                            Styles.Escape(promotion.Product),
                            Styles.State(promotion.State),
                            $"{Styles.Escape(promotion.Runbook.Name)} v{promotion.Runbook.Version}",
                            Styles.Escape(Styles.Kebab(promotion.Runbook.Mode)),
                            Styles.Escape(Styles.List(promotion.Incidents)),
                            Styles.Age(promotion.ProposedAt, now) + " ago",
                            Styles.Escape(promotion.DecidedBy),
                            promotion.SuccessfulApprovedRuns.ToString());
                    }

                    context.Terminal.Write(table);
                });
            });
    }

    private static Command Decide(GlobalOptions globals, string decision, string description)
    {
        var product = OpsSymbols.Product();
        var promotion = new Argument<string>("promotion-id") { Description = "The promotion's id (prm-… as 'promotions list' shows it)" };
        return new Command(decision, description)
            .With(product, promotion)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.PostJsonAsync(
                    $"/api/v1/products/{GatewayClient.Segment(context.Value(product))}/promotions/{GatewayClient.Segment(context.Value(promotion))}/{decision}",
                    new { actor = context.Actor },
                    $"promotion {context.Value(promotion)} of {context.Value(product)}",
                    cancellationToken);
                return context.Show<PromotionView>(response, view =>
                {
                    var meaning = view.State switch
                    {
                        "approved" => "active in confirm-first mode; each matching occurrence proposes a run that waits for 'opsctl runs approve'",
                        "promoted" => "active and automatic; matching occurrences are remediated without asking",
                        "rejected" => "discarded; it will not become active",
                        _ => view.State,
                    };
                    context.Terminal.Line(
                        $"Promotion [bold]{Styles.Escape(view.PromotionId)}[/] ({Styles.Escape(view.Runbook.Name)} v{view.Runbook.Version} for {Styles.Escape(view.Product)}) is {Styles.State(view.State)}: {Styles.Escape(meaning)}.");
                });
            });
    }
}
