using System.CommandLine;
using Ops.Cli.Terminal;

namespace Ops.Cli.Commands;

/// <summary>
/// Binds a command to its action: builds the <see cref="OpsContext"/>, runs the action, and turns an
/// <see cref="OpsctlException"/> into one line on stderr and its exit code.
/// </summary>
internal static class CommandActions
{
    public static Command Does(this Command command, GlobalOptions globals, Func<OpsContext, CancellationToken, Task<ExitCode>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var terminal = OpsTerminal.ForProcess(globals.OutputOf(parse));
            using var context = new OpsContext(parse, globals, terminal, Environment.GetEnvironmentVariable);
            try
            {
                return (int)await action(context, cancellationToken);
            }
            catch (OpsctlException failure)
            {
                terminal.Error(failure.Message);
                return (int)failure.ExitCode;
            }
        });
        return command;
    }

    /// <summary>Adds options, arguments and subcommands in one expression.</summary>
    public static Command With(this Command command, params Symbol[] symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Command subcommand:
                    command.Subcommands.Add(subcommand);
                    break;
                default:
                    throw new ArgumentException($"cannot add a {symbol.GetType().Name} to a command", nameof(symbols));
            }
        }

        return command;
    }
}
