using Ops.Contracts.Catalog;
using Ops.Contracts.Signals;
using YamlDotNet.RepresentationModel;

namespace Ops.Catalog.Yaml;

/// <summary>Reads a <c>kind: Runbook</c> spec and its steps.</summary>
internal static class RunbookReader
{
    public static readonly string[] Fields =
    [
        "product", "version", "description", "mode", "match", "diagnostics", "remediation", "verification", "guardrails",
    ];

    private static readonly string[] MatchFields = ["layer", "labels", "fingerprint", "severities"];
    private static readonly string[] StepFields = ["name", "http", "command", "args", "rollback", "signalHistory", "timeout"];
    private static readonly string[] StepActions = ["http", "command", "rollback", "signalHistory"];
    private static readonly string[] VerificationFields = ["window"];
    private static readonly string[] GuardrailFields = ["maxRunsPerHour", "cooldown"];

    public static RunbookSpec? Read(YamlMappingReader spec, EntityHeader header)
    {
        var product = spec.Reference("product", required: true);
        var defaults = new RunbookSpec { Name = "", Product = "" };
        var runbook = new RunbookSpec
        {
            Name = header.Name ?? "",
            Product = product ?? "",
            Version = spec.Int("version") ?? defaults.Version,
            Description = spec.String("description") ?? header.Description,
            Mode = spec.Enum<RunbookMode>("mode") ?? defaults.Mode,
            Match = Match(spec),
            Diagnostics = Steps(spec, "diagnostics", defaultMethod: "GET"),
            Remediation = Steps(spec, "remediation", defaultMethod: "POST"),
            Verification = spec.Map("verification", VerificationFields) is { } verification
                ? new VerificationSpec { Window = verification.Duration("window") ?? defaults.Verification.Window }
                : defaults.Verification,
            Guardrails = spec.Map("guardrails", GuardrailFields) is { } guardrails
                ? new GuardrailSpec
                {
                    MaxRunsPerHour = guardrails.Int("maxRunsPerHour") ?? defaults.Guardrails.MaxRunsPerHour,
                    Cooldown = guardrails.Duration("cooldown") ?? defaults.Guardrails.Cooldown,
                }
                : defaults.Guardrails,
            DeclaredAt = header.DeclaredAt,
        };
        return header.Name is null || product is null ? null : runbook;
    }

    private static RunbookMatch Match(YamlMappingReader spec)
    {
        if (spec.Map("match", MatchFields) is not { } match)
        {
            return new RunbookMatch();
        }

        return new RunbookMatch
        {
            Layer = match.Enum<SignalLayer>("layer"),
            Labels = match.StringMap("labels"),
            Fingerprint = match.String("fingerprint"),
            Severities = match.Enums<SeverityHint>("severities"),
        };
    }

    /// <summary>The steps of one section; a step that cannot be read is reported and left out.</summary>
    private static IReadOnlyList<RunbookStep> Steps(YamlMappingReader spec, string section, string defaultMethod)
    {
        var steps = new List<RunbookStep>();
        foreach (var (node, path) in spec.Sequence(section))
        {
            if (YamlMappingReader.Open(spec.Context, node, path, StepFields) is { } step && Step(step, defaultMethod) is { } read)
            {
                steps.Add(read);
            }
        }

        return steps;
    }

    private static RunbookStep? Step(YamlMappingReader step, string defaultMethod)
    {
        var name = step.String("name", required: true);
        var timeout = step.Duration("timeout");
        var actions = StepActions.Where(step.Has).OrderBy(action => step.Node(action)!.Start.Index).ToList();
        if (actions.Count == 0)
        {
            step.Context.Error(step.Anchor, step.Path, $"a step needs one action: {string.Join(", ", StepActions)}");
            return null;
        }

        if (actions.Count > 1)
        {
            step.Context.Error(step.Node(actions[1])!, step.FieldPath(actions[1]), $"a step does one thing; this one has both {actions[0]} and {actions[1]} (split it into two steps)");
            return null;
        }

        var kind = actions[0] switch
        {
            "http" => StepKind.Http,
            "command" => StepKind.Command,
            "rollback" => StepKind.Rollback,
            _ => StepKind.SignalHistory,
        };
        if (kind != StepKind.Command && step.Has("args"))
        {
            step.Context.Error(step.Node("args")!, step.FieldPath("args"), "args belong to a command step");
        }

        var http = kind == StepKind.Http ? CommonSpecReader.HttpCall(step, "http", defaultMethod) : null;
        var command = kind == StepKind.Command ? step.String("command") : null;
        var arguments = kind == StepKind.Command ? step.Strings("args") : [];
        var marker = kind is StepKind.Rollback or StepKind.SignalHistory && Marker(step, actions[0]);
        var readable = name is not null && (kind switch
        {
            StepKind.Http => http is not null,
            StepKind.Command => command is not null,
            _ => marker,
        });
        return readable
            ? new RunbookStep { Name = name!, Kind = kind, Http = http, Command = command, Arguments = arguments, Timeout = timeout ?? new RunbookStep { Name = "" }.Timeout }
            : null;
    }

    /// <summary>An action without settings: <c>rollback: {}</c> or <c>rollback: true</c>.</summary>
    private static bool Marker(YamlMappingReader step, string key)
    {
        var node = step.Node(key)!;
        if (node is YamlMappingNode)
        {
            return YamlMappingReader.Open(step.Context, node, step.FieldPath(key), []) is not null;
        }

        if (step.Bool(key) is not { } enabled)
        {
            return false;
        }

        if (!enabled)
        {
            step.Context.Error(node, step.FieldPath(key), $"'{key}: false' does nothing; remove the step or write '{key}: {{}}'");
        }

        return enabled;
    }
}
