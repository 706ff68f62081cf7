using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Ops.Deploy.Tests;

/// <summary>An environment variable a deployment gives the silo: where it is set, its name and (literal) value.</summary>
internal sealed record EnvironmentSetting(string Source, string Name, string? Value);

/// <summary>The files under deploy/, parsed.</summary>
internal static partial class DeployFiles
{
    public const string SiloImage = "ops-orleans/silo:latest";

    public static string KustomizationPath => Path.Combine(Repository.Kubernetes, "kustomization.yaml");

    public static string ComposePath => Path.Combine(Repository.Deploy, "compose", "compose.yaml");

    public static string SystemdUnitPath => Path.Combine(Repository.Deploy, "systemd", "ops-silo.service");

    public static string SystemdEnvironmentExamplePath => Path.Combine(Repository.Deploy, "systemd", "ops-silo.env.example");

    public static string DockerfilePath => Path.Combine(Repository.Deploy, "docker", "Dockerfile");

    public static string PostgresConfPath => Path.Combine(Repository.Deploy, "postgres", "postgresql.conf.d", "ops.conf");

    public static string RolesSqlPath => Path.Combine(Repository.Deploy, "postgres", "roles.sql");

    /// <summary>Every YAML file under deploy/.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        Directory.EnumerateFiles(Repository.Deploy, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static YamlMappingNode Kustomization => Yaml.LoadSingle(KustomizationPath);

    /// <summary>Every Kubernetes object under deploy/kubernetes (the example Secret included), with its file.</summary>
    public static IReadOnlyList<(string File, YamlMappingNode Object)> KubernetesObjects() =>
        Directory.EnumerateFiles(Repository.Kubernetes, "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .Order(StringComparer.Ordinal)
            .SelectMany(f => Yaml.LoadDocuments(f).Select(o => (f, o)))
            .ToList();

    public static YamlMappingNode KubernetesObject(string kind, string? name = null)
    {
        var matches = KubernetesObjects().Where(o => o.Object.StrOrNull("kind") == kind && (name is null || o.Object.StrOrNull("metadata", "name") == name)).ToList();
        Assert.True(matches.Count == 1, $"expected one {kind} {name} under deploy/kubernetes, found {matches.Count}");
        return matches[0].Object;
    }

    public static YamlMappingNode StatefulSet => KubernetesObject("StatefulSet");

    public static YamlMappingNode PodSpec => StatefulSet.Map("spec", "template", "spec");

    public static YamlMappingNode SiloContainer => (YamlMappingNode)PodSpec.Seq("containers").Single(c => c.Str("image") == SiloImage);

    public static IEnumerable<YamlMappingNode> Services() =>
        KubernetesObjects().Select(o => o.Object).Where(o => o.StrOrNull("kind") == "Service");

    /// <summary>A container port by name or number (Services' targetPort, probes, NetworkPolicy): its number.</summary>
    public static int ResolveContainerPort(string port)
    {
        if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var named = SiloContainer.Seq("ports").SingleOrDefault(p => p.StrOrNull("name") == port);
        Assert.True(named is not null, $"no container port named '{port}' in the StatefulSet");
        return named!.Int("containerPort");
    }

    public static YamlMappingNode Compose => Yaml.LoadSingle(ComposePath);

    /// <summary>The compose services that run the silo image.</summary>
    public static IReadOnlyList<(string Name, YamlMappingNode Service)> ComposeSilos() =>
        Compose.Map("services").Children
            .Select(c => (Name: ((YamlScalarNode)c.Key).Value!, Service: (YamlMappingNode)c.Value))
            .Where(s => s.Service.StrOrNull("image") == SiloImage)
            .ToList();

    /// <summary>A compose service's environment, in either of compose's two forms (mapping, or list of NAME=value).</summary>
    public static IReadOnlyList<(string Name, string? Value)> ComposeEnvironment(YamlMappingNode service) =>
        service.Find("environment") switch
        {
            YamlMappingNode map => map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, ((YamlScalarNode)c.Value).Value)).ToList(),
            YamlSequenceNode list => list.Children.Select(c => SplitAssignment(((YamlScalarNode)c).Value!)).ToList(),
            _ => [],
        };

    /// <summary>Replaces compose's ${NAME:-default} / ${NAME-default} with the default (what a bare "docker compose up" uses).</summary>
    public static string ComposeDefaults(string value) => ComposeVariable().Replace(value, m => m.Groups["default"].Value);

    /// <summary>A compose duration ("60s", "1m30s") in seconds.</summary>
    public static double ComposeDuration(string value)
    {
        var total = 0.0;
        foreach (Match part in DurationPart().Matches(value))
        {
            var amount = double.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "h" => amount * 3600,
                "m" => amount * 60,
                "s" => amount,
                "ms" => amount / 1000,
                var unit => throw new FormatException($"unit {unit} in {value}"),
            };
        }

        return total;
    }

    /// <summary>The systemd unit's directives: (section, key, value), in order.</summary>
    public static IReadOnlyList<(string Section, string Key, string Value)> SystemdUnit()
    {
        var directives = new List<(string, string, string)>();
        var section = "";
        foreach (var raw in File.ReadLines(SystemdUnitPath))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"deploy/systemd/ops-silo.service: not a directive: {line}");
            directives.Add((section, line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }

        return directives;
    }

    public static string SystemdValue(string key) => SystemdUnit().Single(d => d.Section == "Service" && d.Key == key).Value;

    /// <summary>The assignments of one Environment= line (several, space-separated, each optionally in double quotes).</summary>
    public static IEnumerable<(string Name, string? Value)> SystemdAssignments(string value) =>
        SystemdWord().Matches(value).Select(m => SplitAssignment(m.Value.Trim('"')));

    /// <summary>The Dockerfile's instructions (continuation lines joined): (INSTRUCTION, arguments).</summary>
    public static IReadOnlyList<(string Instruction, string Arguments)> Dockerfile()
    {
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in File.ReadLines(DockerfilePath))
        {
            var line = raw.TrimEnd();
            if (pending.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = "";
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add((full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }

        return instructions;
    }

    /// <summary>Every environment variable a deployment under deploy/ sets for the silo process.</summary>
    public static IReadOnlyList<EnvironmentSetting> SiloEnvironment()
    {
        var settings = new List<EnvironmentSetting>();
        foreach (var (file, obj) in KubernetesObjects())
        {
            var podSpec = obj.Find("spec", "template", "spec");
            if (podSpec is null)
            {
                continue;
            }

            foreach (var container in podSpec.Seq("containers").Concat(podSpec.Seq("initContainers")))
            {
                settings.AddRange(container.Seq("env").Select(e => new EnvironmentSetting(Repository.Relative(file), e.Str("name"), e.StrOrNull("value"))));
            }
        }

        foreach (var (name, service) in ComposeSilos())
        {
            settings.AddRange(ComposeEnvironment(service).Select(e => new EnvironmentSetting($"deploy/compose/compose.yaml ({name})", e.Name, e.Value)));
        }

        foreach (var (section, key, value) in SystemdUnit())
        {
            if (section == "Service" && key == "Environment")
            {
                settings.AddRange(SystemdAssignments(value).Select(a => new EnvironmentSetting("deploy/systemd/ops-silo.service", a.Name, a.Value)));
            }
        }

        foreach (var line in File.ReadLines(SystemdEnvironmentExamplePath).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var (name, value) = SplitAssignment(line);
            settings.Add(new EnvironmentSetting("deploy/systemd/ops-silo.env.example", name, value));
        }

        foreach (var (instruction, arguments) in Dockerfile().Where(i => i.Instruction == "ENV"))
        {
            settings.AddRange(SystemdWord().Matches(arguments).Select(m => SplitAssignment(m.Value)).Select(a => new EnvironmentSetting("deploy/docker/Dockerfile", a.Name, a.Value)));
        }

        return settings;
    }

    private static (string Name, string? Value) SplitAssignment(string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (assignment, null) : (assignment[..equals], assignment[(equals + 1)..]);
    }

    [GeneratedRegex(@"\$\{[A-Za-z_][A-Za-z0-9_]*:?-(?<default>[^}]*)\}")]
    private static partial Regex ComposeVariable();

    [GeneratedRegex(@"(?<n>[0-9]+(\.[0-9]+)?)(?<unit>ms|h|m|s)")]
    private static partial Regex DurationPart();

    [GeneratedRegex("\"[^\"]*\"|[^\\s\"]+")]
    private static partial Regex SystemdWord();
}
