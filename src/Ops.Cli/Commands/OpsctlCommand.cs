using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Ops.Cli.Commands;

/// <summary>The command tree of <c>opsctl</c> and its entry point: parse, then run or report a usage error (exit 2).</summary>
internal static class OpsctlCommand
{
    public static RootCommand Create()
    {
        var globals = new GlobalOptions();
        var manual = new HelpManual();
        var root = new RootCommand(RootDescription);
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(IncidentsCommands.Create(globals, manual));
        root.Subcommands.Add(PromotionsCommands.Create(globals, manual));
        root.Subcommands.Add(RunsCommands.Create(globals, manual));
        root.Subcommands.Add(RunbooksCommands.Create(globals, manual));
        root.Subcommands.Add(ProductsCommands.Create(globals, manual));
        root.Subcommands.Add(BuildersCommands.Create(globals, manual));
        root.Subcommands.Add(BuildersCommands.Tiers(globals, manual));
        root.Subcommands.Add(BuildersCommands.Capacity(globals));
        root.Subcommands.Add(PortfolioCommands.Portfolio(globals, manual));
        root.Subcommands.Add(PortfolioCommands.Unrouted(globals));
        root.Subcommands.Add(PortfolioCommands.Heartbeat(globals));
        root.Subcommands.Add(ClusterCommands.Create(globals, manual));
        root.Subcommands.Add(CatalogCommands.Create(globals, manual));
        manual.Section(root, RootManual + "\n\n" + ExitCodeSection());
        manual.Install(root);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Create();
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"opsctl: {error.Message.ReplaceLineEndings(" ").Replace("\t", "", StringComparison.Ordinal)}");
            }

            var command = parse.CommandResult.Command;
            if (command.Action is null && command.Subcommands.Count > 0)
            {
                // A group without its subcommand: show what the group offers.
                await root.Parse([.. CommandPath(parse), "--help"]).InvokeAsync(new InvocationConfiguration { Output = Console.Error });
            }
            else
            {
                await Console.Error.WriteLineAsync($"Run '{string.Join(' ', ["opsctl", .. CommandPath(parse), "--help"])}' for the manual.");
            }

            return (int)ExitCode.Usage;
        }

        return await parse.InvokeAsync();
    }

    /// <summary>The subcommand names from the root to the command the parser reached (<c>incidents resolve</c>).</summary>
    private static List<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is CommandResult command && result.Parent is not null; result = result.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return names;
    }

    private const string RootDescription = """
        opsctl: the operator's console for Ops.Orleans.
          Monitoring sources post signals to the gateway; each product's ops agent runs the runbook that matches.
          What no runbook absorbs becomes an incident that pages the owning builder (contained) or an escalation
          tier (cross-product, platform). People acknowledge, note and resolve it with a structured fix; three
          equivalent fixes become a promotion: a proposed runbook the owner approves, promotes or rejects.
        """;

    private const string RootManual = """
        The loop, in commands:
          opsctl incidents list --state open        what is paging people now
          opsctl incidents show ID                  symptoms, timeline, who was paged and how delivery went
          opsctl incidents ack ID                   take it: stops the escalation clock
          opsctl incidents resolve ID --kind http --target URL --param method=POST --text "what you did"
                                                    resolve with the fix you applied; the rule of three learns from it
          opsctl promotions list --state proposed   runbooks proposed from three equivalent fixes
          opsctl promotions approve PRODUCT ID      activate one confirm-first ('promote': automatic at once)
          opsctl runbooks validate FILE.yaml        check runbooks offline before they reach a silo

        Configuration (each value from the first place that sets it):
          --gateway  OPSCTL_GATEWAY  config "gateway"  default http://127.0.0.1:8080
          --token    OPSCTL_TOKEN    config "token"    sent as Authorization: Bearer
          --actor    OPSCTL_ACTOR    config "actor"    default the OS user; recorded on every action
          config file: --config FILE, else $XDG_CONFIG_HOME/opsctl/config.json or ~/.config/opsctl/config.json

        Output: tables for people (plain when redirected or NO_COLOR is set); --output json prints the gateway's
        JSON as received, for jq and scripts. Errors are one line on stderr.
        """;

    private static string ExitCodeSection() =>
        "Exit codes:\n" + string.Concat(ExitCodes.Manual.Select(e => $"  {(int)e.Code}  {e.Meaning}\n"));
}
