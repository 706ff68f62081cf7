using System.Globalization;
using System.Text.Json;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Spectre.Console;

namespace Ops.Cli.Terminal;

/// <summary>
/// How ops facts look in a table: severities and states in colour (red is what needs a human now), times in UTC,
/// ages relative. Every value from the gateway is markup-escaped here.
/// </summary>
internal static class Styles
{
    public static string Escape(string? text) => Markup.Escape(text ?? "");

    public static string Severity(Severity severity) => severity switch
    {
        Contracts.Grains.Severity.Sev1 => "[bold red]sev1[/]",
        Contracts.Grains.Severity.Sev2 => "[darkorange]sev2[/]",
        _ => "[yellow]sev3[/]",
    };

    public static string Hint(SeverityHint hint) => hint switch
    {
        SeverityHint.Critical => "[bold red]critical[/]",
        SeverityHint.Error => "[red]error[/]",
        SeverityHint.Warning => "[yellow]warning[/]",
        _ => "[grey]info[/]",
    };

    /// <summary>Incident, run and promotion states: red needs a human, yellow is in hand, green is done.</summary>
    public static string State(string state) => state switch
    {
        IncidentStates.Open or RunStates.Failed or RunStates.NotVerified or RunStates.AwaitingApproval or "proposed" or "firing" or "dead" => $"[red]{Escape(state)}[/]",
        IncidentStates.Acknowledged or RunStates.Running or RunStates.Verifying or "approved" or "joining" or "shutting-down" => $"[yellow]{Escape(state)}[/]",
        IncidentStates.Resolved or RunStates.Verified or "promoted" or "active" => $"[green]{Escape(state)}[/]",
        _ => $"[grey]{Escape(state)}[/]",
    };

    /// <summary>An enum value as the API writes it (<c>CrossProduct</c> → <c>cross-product</c>).</summary>
    public static string Kebab<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    /// <summary><c>42s</c>, <c>5m</c>, <c>3h</c>, <c>2d</c> before <paramref name="now"/>.</summary>
    public static string Age(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } t)
        {
            return "";
        }

        var age = now - t;
        return age.TotalSeconds < 0 ? "0s"
            : age.TotalMinutes < 1 ? $"{age.TotalSeconds:0}s"
            : age.TotalHours < 1 ? $"{age.TotalMinutes:0}m"
            : age.TotalDays < 1 ? $"{age.TotalHours:0}h"
            : $"{age.TotalDays:0}d";
    }

    /// <summary><c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h30m</c>, <c>1d</c>: the catalog's own duration style.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return $"{span.TotalMilliseconds:0}ms";
        }

        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add($"{span.Days}d");
        }

        if (span.Hours > 0)
        {
            parts.Add($"{span.Hours}h");
        }

        if (span.Minutes > 0)
        {
            parts.Add($"{span.Minutes}m");
        }

        if (span.Seconds > 0)
        {
            parts.Add($"{span.Seconds}s");
        }

        return string.Concat(parts);
    }

    /// <summary>Where a catalog entry was declared: the file relative to the current directory when under it, and the line.</summary>
    public static string Source(SourceLocation? at)
    {
        if (at is null)
        {
            return "";
        }

        var file = at.File;
        if (Path.IsPathFullyQualified(file))
        {
            var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
            file = relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
        }

        return Escape(at.Line > 0 ? $"{file}:{at.Line}" : file);
    }

    public static string Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is null ? "" : string.Join(' ', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    public static string List(IEnumerable<string>? values) => values is null ? "" : string.Join(", ", values);

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Money(decimal value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A table with the house style: simple rules, bold headers.</summary>
    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn($"[bold]{Escape(column)}[/]"));
        }

        return table;
    }

    /// <summary>Adds a row of markup cells.</summary>
    public static Table Row(this Table table, params string[] markupCells)
    {
        table.AddRow(markupCells.Select(c => (Spectre.Console.Rendering.IRenderable)new Markup(c)).ToArray());
        return table;
    }

    /// <summary>Two columns of "what: value" lines (value is markup).</summary>
    public static Grid Facts(params (string Name, string Value)[] facts)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (name, value) in facts.Where(f => f.Value.Length > 0))
        {
            grid.AddRow(new Markup($"[grey]{Escape(name)}[/]"), new Markup(value));
        }

        return grid;
    }
}
