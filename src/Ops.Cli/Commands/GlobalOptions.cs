using System.CommandLine;
using Ops.Cli.Configuration;
using Ops.Cli.Terminal;

namespace Ops.Cli.Commands;

/// <summary>The options every command takes (declared once on the root, recursive).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Gateway { get; } = new("--gateway")
    {
        Description = $"The silo's HTTP address [env {OpsctlSettings.GatewayVariable}; default {OpsctlSettings.DefaultGateway}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"Bearer token sent as Authorization [env {OpsctlSettings.TokenVariable}]",
        HelpName = "token",
        Recursive = true,
    };

    public Option<string?> Actor { get; } = new("--actor")
    {
        Description = $"Who is acting, recorded on every action [env {OpsctlSettings.ActorVariable}; default the OS user]",
        HelpName = "name",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Config file with gateway, token, actor [default ~/.config/opsctl/config.json]",
        HelpName = "file",
        Recursive = true,
    };

    public Option<string> Output { get; } = new Option<string>("--output", "-o")
    {
        Description = "table for people, json for scripts (the gateway's JSON as received)",
        HelpName = "table|json",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    }.AcceptOnlyFromAmong("table", "json");

    public IEnumerable<Option> All => [Gateway, Token, Actor, Config, Output];

    public OutputFormat OutputOf(ParseResult parse) =>
        parse.GetValue(Output) == "json" ? OutputFormat.Json : OutputFormat.Table;

    public OpsctlSettings SettingsOf(ParseResult parse, Func<string, string?> environment) =>
        SettingsResolver.Resolve(parse.GetValue(Gateway), parse.GetValue(Token), parse.GetValue(Actor), parse.GetValue(Config), environment);
}
