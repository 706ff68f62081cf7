using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Ops.Cli.Commands;

/// <summary>
/// Turns <c>--help</c> into a short manual: after the usage, options and subcommands that System.CommandLine writes,
/// each command may add a section of its own (how the pieces fit, examples), written as given.
/// </summary>
internal sealed class HelpManual
{
    private readonly Dictionary<Command, string> _sections = [];

    /// <summary>Adds <paramref name="text"/> after the generated help of <paramref name="command"/>.</summary>
    public Command Section(Command command, string text)
    {
        _sections[command] = text.TrimEnd();
        return command;
    }

    /// <summary>Installs the sections into the root's help option.</summary>
    public void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction generated)
        {
            help.Action = new ManualHelpAction(generated, this);
        }
    }

    /// <summary>The section written for <paramref name="command"/>, if any.</summary>
    public string? SectionOf(Command command) => _sections.GetValueOrDefault(command);

    /// <summary>The generated help, then the command's section.</summary>
    private sealed class ManualHelpAction(HelpAction generated, HelpManual manual) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var result = generated.Invoke(parseResult);
            if (manual.SectionOf(parseResult.CommandResult.Command) is { } section)
            {
                parseResult.InvocationConfiguration.Output.WriteLine(section);
            }

            return result;
        }
    }
}
