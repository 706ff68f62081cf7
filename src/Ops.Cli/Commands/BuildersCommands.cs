using System.CommandLine;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;

namespace Ops.Cli.Commands;

/// <summary><c>opsctl builders</c>, <c>opsctl tiers</c>, <c>opsctl capacity</c>: who gets paged, and how loaded they are.</summary>
internal static class BuildersCommands
{
    public static Command Create(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("builders", "Builders (teams): who is paged for which products, their page book, load against capacity; record toil.");
        group.Subcommands.Add(List(globals));
        group.Subcommands.Add(Show(globals));
        group.Subcommands.Add(Toil(globals));
        manual.Section(group, """
            A builder's load is the live products they own plus weighted pages, incidents and toil hours over the load
            window (7 days by default); above capacity, 'opsctl capacity' recommends retiring, transferring or adding
            capacity.

            Examples:
              opsctl builders list
              opsctl builders show payments-team
              opsctl builders toil payments-team --product orders --minutes 45
            """);
        return group;
    }

    public static Command Tiers(GlobalOptions globals, HelpManual manual)
    {
        var group = new Command("tiers", "Escalation tiers (architects, platform SRE): who gets systemic incidents and missed acknowledgements.");
        group.Subcommands.Add(new Command("list", "Every escalation tier: next tier, default, members, pages in the window.")
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/tiers", "tiers", cancellationToken);
                return context.Show<List<TierDocument>>(response, tiers =>
                {
                    var table = Styles.Table("TIER", "NEXT", "DEFAULT", "MEMBERS", "CHANNELS", "PAGES", "INCIDENTS");
                    foreach (var tier in tiers)
                    {
                        table.Row(
                            Styles.Escape(tier.Spec.Name),
                            Styles.Escape(tier.Spec.Next ?? "(last)"),
                            tier.Spec.Default ? "yes" : "",
                            Styles.Escape(Styles.List(tier.Spec.Members.Select(m => m.Name))),
                            tier.Spec.Channels.Count.ToString(),
                            tier.Live.PagesInWindow.ToString(),
                            tier.Live.IncidentsInWindow.ToString());
                    }

                    context.Terminal.Write(table);
                });
            }));
        var name = new Argument<string>("tier") { Description = "The tier's name" };
        group.Subcommands.Add(new Command("show", "One escalation tier: members, channels, next tier, and its page book.")
            .With(name)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync($"/api/v1/tiers/{GatewayClient.Segment(context.Value(name))}", $"escalation tier {context.Value(name)}", cancellationToken);
                return context.Show<TierDocument>(response, tier =>
                {
                    context.Terminal.Line($"[bold]{Styles.Escape(tier.Spec.Name)}[/]{(tier.Spec.DisplayName is { } d ? "  " + Styles.Escape(d) : "")}");
                    context.Terminal.Write(Styles.Facts(
                        ("next", Styles.Escape(tier.Spec.Next ?? "(last: escalation ends here)")),
                        ("default", tier.Spec.Default ? "yes: systemic incidents of products that name no tier come here" : ""),
                        ("members", Styles.Escape(Members(tier.Spec.Members))),
                        ("channels", Styles.Escape(Channels(tier.Spec.Channels))),
                        ("window", $"{tier.Live.PagesInWindow} pages, {tier.Live.IncidentsInWindow} incidents")));
                    PageBook(context.Terminal, tier.Live);
                });
            }));
        manual.Section(group, """
            Cross-product and platform incidents page the product's escalation tier (or the default tier); a missed
            acknowledgement moves an incident one step up, builder → its tier → the tier's next, until the chain ends.
            """);
        return group;
    }

    public static Command Capacity(GlobalOptions globals) =>
        new Command("capacity", "Every builder's load against capacity, and what to do about the overloaded ones (retire, transfer, add capacity).")
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/capacity", "capacity", cancellationToken);
                return context.Show<CapacityDocument>(response, capacity =>
                {
                    var table = Styles.Table("BUILDER", "LOAD", "CAPACITY", "OWNS", "PAGES", "INCIDENTS", "TOIL MIN");
                    foreach (var builder in capacity.Builders)
                    {
                        table.Row(
                            Styles.Escape(builder.Builder),
                            builder.OverCapacity ? $"[bold red]{Styles.Number(builder.Load)}[/]" : Styles.Number(builder.Load),
                            Styles.Number(builder.Capacity),
                            Styles.Escape(Styles.List(builder.OwnedProducts)),
                            builder.PagesInWindow.ToString(),
                            builder.IncidentsInWindow.ToString(),
                            Styles.Number(builder.ToilMinutesInWindow));
                    }

                    context.Terminal.Write(table);
                    Recommendations(context.Terminal, capacity.Recommendations);
                });
            });

    /// <summary>Capacity recommendations as sentences, or a line saying there are none.</summary>
    internal static void Recommendations(OpsTerminal terminal, IReadOnlyList<CapacityRecommendation> recommendations)
    {
        if (recommendations.Count == 0)
        {
            terminal.Line("[grey]No builder is over capacity.[/]");
            return;
        }

        terminal.Heading("Recommendations");
        foreach (var r in recommendations)
        {
            var what = r.Kind switch
            {
                "retire" => $"retire {r.Product}",
                "transfer" => $"transfer {r.Product} to {r.To}",
                _ => "add capacity",
            };
            terminal.Line($"[yellow]{Styles.Escape(r.Builder)}[/]: {Styles.Escape(what)} — {Styles.Escape(r.Why)}");
        }
    }

    private static Command List(GlobalOptions globals) =>
        new Command("list", "Every builder: capacity, load, owned products, pages, incidents and toil in the window.")
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync("/api/v1/builders", "builders", cancellationToken);
                return context.Show<List<BuilderDocument>>(response, builders =>
                {
                    var table = Styles.Table("BUILDER", "LOAD", "CAPACITY", "OWNS", "PAGES", "INCIDENTS", "TOIL MIN", "ESCALATES TO");
                    foreach (var builder in builders)
                    {
                        table.Row(
                            Styles.Escape(builder.Spec.Name),
                            builder.Live.Load > builder.Live.Capacity ? $"[bold red]{Styles.Number(builder.Live.Load)}[/]" : Styles.Number(builder.Live.Load),
                            Styles.Number(builder.Spec.Capacity),
                            Styles.Escape(Styles.List(builder.Live.OwnedProducts)),
                            builder.Live.PagesInWindow.ToString(),
                            builder.Live.IncidentsInWindow.ToString(),
                            Styles.Number(builder.Live.ToilMinutesInWindow),
                            Styles.Escape(builder.Spec.EscalatesTo ?? "(default tier)"));
                    }

                    context.Terminal.Write(table);
                });
            });

    private static Command Show(GlobalOptions globals)
    {
        var name = new Argument<string>("builder") { Description = "The builder's name" };
        return new Command("show", "One builder: members, channels, owned products, load, and their page book (newest first).")
            .With(name)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.GetAsync($"/api/v1/builders/{GatewayClient.Segment(context.Value(name))}", $"builder {context.Value(name)}", cancellationToken);
                return context.Show<BuilderDocument>(response, builder =>
                {
                    context.Terminal.Line($"[bold]{Styles.Escape(builder.Spec.Name)}[/]{(builder.Spec.DisplayName is { } d ? "  " + Styles.Escape(d) : "")}");
                    context.Terminal.Write(Styles.Facts(
                        ("owns", Styles.Escape(Styles.List(builder.Live.OwnedProducts))),
                        ("load", $"{Styles.Number(builder.Live.Load)} of {Styles.Number(builder.Live.Capacity)}{(builder.Live.Load > builder.Live.Capacity ? " [bold red](over capacity)[/]" : "")}"),
                        ("window", $"{builder.Live.PagesInWindow} pages, {builder.Live.IncidentsInWindow} incidents, {Styles.Number(builder.Live.ToilMinutesInWindow)} min toil"),
                        ("members", Styles.Escape(Members(builder.Spec.Members))),
                        ("channels", Styles.Escape(Channels(builder.Spec.Channels))),
                        ("escalates to", Styles.Escape(builder.Spec.EscalatesTo ?? "the default tier"))));
                    PageBook(context.Terminal, builder.Live);
                });
            });
    }

    private static Command Toil(GlobalOptions globals)
    {
        var name = new Argument<string>("builder") { Description = "The builder who did the work" };
        var product = new Option<string>("--product", "-p") { Description = "The product the work was for", HelpName = "product", Required = true };
        var minutes = new Option<double>("--minutes", "-m") { Description = "How long it took (more than 0, at most 1440)", HelpName = "minutes", Required = true };
        return new Command("toil", "Record manual work on a product: it counts in the builder's load, so capacity sees it.")
            .With(name, product, minutes)
            .Does(globals, async (context, cancellationToken) =>
            {
                var response = await context.Gateway.PostJsonAsync(
                    $"/api/v1/builders/{GatewayClient.Segment(context.Value(name))}/toil",
                    new { actor = context.Actor, product = context.Value(product), minutes = context.Value(minutes) },
                    $"builder {context.Value(name)}",
                    cancellationToken);
                return context.Show<PagerView>(response, pager =>
                {
                    context.Terminal.Line(
                        $"Recorded {Styles.Number(context.Value(minutes))} min of toil on {Styles.Escape(context.Value(product))} for [bold]{Styles.Escape(pager.Name)}[/]: load now {Styles.Number(pager.Load)} of {Styles.Number(pager.Capacity)}.");
                });
            });
    }

    private static void PageBook(OpsTerminal terminal, PagerView pager)
    {
        if (pager.Pages.Count == 0)
        {
            terminal.Line("[grey]No pages.[/]");
            return;
        }

        var now = terminal.Time.GetUtcNow();
        var table = Styles.Table("AT", "INCIDENT", "SEV", "REASON", "PRODUCT", "ACKNOWLEDGED", "TITLE");
        foreach (var page in pager.Pages)
        {
            table.Row(
                Styles.Age(page.At, now) + " ago",
                Styles.Escape(page.IncidentId),
                Styles.Severity(page.Severity),
                Styles.Escape(page.Reason),
                Styles.Escape(page.Product),
                page.AcknowledgedAt is { } ack ? Styles.Age(ack, now) + " ago" : page.Reason is "paged" or "escalated" ? "[red]no[/]" : "",
                Styles.Escape(page.Title));
        }

        terminal.Write(table);
    }

    private static string Members(IEnumerable<MemberSpec> members) =>
        Styles.List(members.Select(m => m.Email is null ? m.Name : $"{m.Name} <{m.Email}>"));

    private static string Channels(IEnumerable<ChannelSpec> channels) =>
        Styles.List(channels.Select(c => $"{Styles.Kebab(c.Kind)} {c.Name ?? c.Url}"));
}
