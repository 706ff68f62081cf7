using System.CommandLine;
using Ops.Cli.Configuration;
using Ops.Cli.Gateway;
using Ops.Cli.Terminal;

namespace Ops.Cli.Commands;

/// <summary>What a command's action works with: its parsed values, the terminal, and the gateway (connected on first use).</summary>
internal sealed class OpsContext(ParseResult parse, GlobalOptions globals, OpsTerminal terminal, Func<string, string?> environment) : IDisposable
{
    private GatewayClient? _gateway;

    public ParseResult Parse { get; } = parse;

    public OpsTerminal Terminal { get; } = terminal;

    /// <summary>The gateway; settings are resolved (and a bad config file reported) only by commands that need it.</summary>
    public GatewayClient Gateway => _gateway ??= new GatewayClient(globals.SettingsOf(Parse, environment));

    public OpsctlSettings Settings => Gateway.Settings;

    /// <summary>The actor every action body names.</summary>
    public string Actor => Settings.Actor;

    /// <summary>
    /// Prints a successful answer: with <c>--output json</c> the gateway's JSON as received, otherwise what
    /// <paramref name="render"/> makes of it read as <typeparamref name="T"/>.
    /// </summary>
    public ExitCode Show<T>(GatewayResponse response, Action<T> render)
    {
        if (Terminal.Json)
        {
            Terminal.WriteJson(response.Text);
        }
        else
        {
            render(response.Read<T>());
        }

        return ExitCode.Ok;
    }

    public T Value<T>(Option<T> option) => Parse.GetValue(option)!;

    public T Value<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    public void Dispose() => _gateway?.Dispose();
}
