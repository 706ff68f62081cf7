using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ops.Cli.Terminal;

/// <summary>
/// Where a command writes: <see cref="Console"/> (Spectre) for tables, raw JSON for <c>--output json</c>, one
/// line on stderr for errors. Colour and ANSI are off when stdout is redirected or <c>NO_COLOR</c> is set, so
/// piped output is plain text.
/// </summary>
internal sealed class OpsTerminal
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TextWriter _out;
    private readonly TextWriter _error;

    public OpsTerminal(OutputFormat format, TextWriter output, TextWriter error, bool redirected, Func<string, string?> environment, TimeProvider time)
    {
        Format = format;
        _out = output;
        _error = error;
        Time = time;
        var plain = redirected || !string.IsNullOrEmpty(environment("NO_COLOR"));
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (redirected)
        {
            // Redirected output has no width: rows stay whole lines (for grep and awk) unless COLUMNS says otherwise.
            Console.Profile.Width = int.TryParse(environment("COLUMNS"), out var columns) && columns > 40 ? columns : 1000;
        }
    }

    /// <summary>For the process: stdout / stderr, the real environment and clock.</summary>
    public static OpsTerminal ForProcess(OutputFormat format) =>
        new(format, System.Console.Out, System.Console.Error, System.Console.IsOutputRedirected, Environment.GetEnvironmentVariable, TimeProvider.System);

    public OutputFormat Format { get; }

    public bool Json => Format == OutputFormat.Json;

    public IAnsiConsole Console { get; }

    public TimeProvider Time { get; }

    /// <summary>JSON text (the gateway's answer) re-indented, members and values as received.</summary>
    public void WriteJson(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new OpsctlException(ExitCode.Unavailable, $"the gateway answered something that is not JSON ({e.Message}); is --gateway pointing at an Ops.Orleans silo?", e);
        }

        WriteJson(node);
    }

    /// <summary>A node opsctl built or selected (an element of the gateway's answer, an offline result).</summary>
    public void WriteJson(JsonNode? node) => _out.WriteLine(node is null ? "null" : node.ToJsonString(Indented));

    /// <summary>A line of Spectre markup.</summary>
    public void Line(string markup = "") => Console.MarkupLine(markup);

    /// <summary>A section heading, after a blank line.</summary>
    public void Heading(string text)
    {
        Console.WriteLine();
        Console.MarkupLine($"[bold]{Markup.Escape(text)}[/]");
    }

    /// <summary>A line of plain text (never read as markup).</summary>
    public void Text(string text) => Console.WriteLine(text);

    /// <summary>
    /// A table or grid, rendered with <see cref="Console"/>'s capabilities, then written without trailing blanks
    /// at line ends or blank lines around it (so piped output diffs and greps cleanly).
    /// </summary>
    public void Write(IRenderable renderable)
    {
        using var buffer = new StringWriter();
        var rendering = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Console.Profile.Capabilities.Ansi ? AnsiSupport.Yes : AnsiSupport.No,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(buffer),
        });
        rendering.Profile.Capabilities.ColorSystem = Console.Profile.Capabilities.ColorSystem;
        rendering.Profile.Width = Console.Profile.Width;
        rendering.Profile.Capabilities.Unicode = Console.Profile.Capabilities.Unicode;
        rendering.Write(renderable);
        var lines = buffer.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        var first = lines.FindIndex(l => l.Length > 0);
        var last = lines.FindLastIndex(l => l.Length > 0);
        for (var i = first; first >= 0 && i <= last; i++)
        {
            _out.WriteLine(lines[i]);
        }
    }

    /// <summary>One line on stderr: <c>opsctl: message</c>.</summary>
    public void Error(string message) => _error.WriteLine($"opsctl: {message}");
}
