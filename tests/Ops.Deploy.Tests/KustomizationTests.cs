using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Ops.Deploy.Tests;

/// <summary>
/// The kustomization builds the ConfigMap from the real silo-config/ files, and the StatefulSet mounts it back into
/// the silo-config layout at the directory OPS_SILO_CONFIG names.
/// </summary>
public sealed class KustomizationTests
{
    private const string GeneratorName = "ops-silo-config";

    [Fact]
    public void Every_resource_exists()
    {
        var resources = DeployFiles.Kustomization.Seq("resources").Select(r => ((YamlScalarNode)r).Value!).ToList();
        Assert.NotEmpty(resources);
        foreach (var resource in resources)
        {
            Assert.True(File.Exists(Path.Combine(Repository.Kubernetes, resource)), $"kustomization resource {resource} does not exist");
        }

        // Every manifest beside it is a resource, except the example Secret.
        var manifests = Directory.EnumerateFiles(Repository.Kubernetes, "*.yaml").Select(Path.GetFileName)
            .Where(f => f is not ("kustomization.yaml" or "secret.example.yaml"));
        Assert.Equal(manifests.Order(StringComparer.Ordinal), resources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_config_map_generator_lists_files_that_exist()
    {
        var files = GeneratorFiles();
        Assert.NotEmpty(files);
        foreach (var (key, source) in files)
        {
            Assert.True(File.Exists(source), $"configMapGenerator {GeneratorName}: {key} = {Repository.Relative(source)} does not exist");
        }

        Assert.Equal(files.Count, files.Select(f => f.Key).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_config_map_holds_every_file_of_silo_config_the_cluster_reads()
    {
        var expected = new List<string> { "appsettings.json", $"appsettings.{ClusterSettings.EnvironmentName}.json" };
        foreach (var folder in new[] { "catalog", "runbooks" })
        {
            expected.AddRange(Directory.EnumerateFiles(Path.Combine(Repository.SiloConfig, folder), "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.') && (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
                .Select(SiloConfigRelative));
        }

        var generated = GeneratorFiles().Select(f => SiloConfigRelative(f.Source));
        Assert.Equal(expected.Order(StringComparer.Ordinal), generated.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_volume_maps_every_key_back_to_its_silo_config_path()
    {
        var volume = DeployFiles.PodSpec.Seq("volumes").Single(v => v.Str("name") == "silo-config");
        Assert.Equal(GeneratorName, volume.Str("configMap", "name"));
        var items = volume.Seq("configMap", "items").ToDictionary(i => i.Str("key"), i => i.Str("path"));
        var files = GeneratorFiles();
        Assert.Equal(files.Count, items.Count);
        foreach (var (key, source) in files)
        {
            Assert.True(items.TryGetValue(key, out var path), $"the silo-config volume does not mount key {key}");
            Assert.Equal(SiloConfigRelative(source), path);
        }
    }

    [Fact]
    public void The_config_is_mounted_where_OPS_SILO_CONFIG_points_and_the_data_directory_is_writable()
    {
        var container = DeployFiles.SiloContainer;
        var configDirectory = container.Seq("env").Single(e => e.Str("name") == ConfigurationSchema.SiloConfigVariable).Str("value");
        var mounts = container.Seq("volumeMounts").ToDictionary(m => m.Str("mountPath"), m => m.Str("name"));
        Assert.Equal("silo-config", mounts[configDirectory]);

        // Storage:DataDirectory, relative to the directory holding silo-config/, must be a writable (emptyDir) mount:
        // the root filesystem is read-only.
        var dataDirectory = Path.GetFullPath(ClusterSettings.Current.DataDirectory, Path.GetDirectoryName(configDirectory)!).Replace('\\', '/');
        Assert.True(mounts.TryGetValue(dataDirectory, out var volumeName), $"Storage:DataDirectory resolves to {dataDirectory}, which is not mounted");
        Assert.NotNull(DeployFiles.PodSpec.Seq("volumes").Single(v => v.Str("name") == volumeName).Find("emptyDir"));
    }

    [SkippableFact]
    public void Kubectl_kustomize_renders_the_manifests()
    {
        Skip.IfNot(OnPath("kubectl"), "kubectl is not installed");
        var start = new ProcessStartInfo("kubectl", ["kustomize", "--load-restrictor", "LoadRestrictionsNone", Repository.Kubernetes])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "kubectl kustomize did not finish within 60 s");
        Assert.True(process.ExitCode == 0, $"kubectl kustomize failed: {error.Result}");

        using var reader = new StringReader(output.Result);
        var stream = new YamlStream();
        stream.Load(reader);
        var objects = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        var configMap = objects.Single(o => o.Str("kind") == "ConfigMap");
        var configMapName = configMap.Str("metadata", "name");
        Assert.StartsWith($"{GeneratorName}-", configMapName, StringComparison.Ordinal); // the content hash: a change rolls the silos
        Assert.Equal(GeneratorFiles().Select(f => f.Key).Order(StringComparer.Ordinal), configMap.Map("data").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        var statefulSet = objects.Single(o => o.Str("kind") == "StatefulSet");
        Assert.Contains(statefulSet.Seq("spec", "template", "spec", "volumes"), v => v.StrOrNull("configMap", "name") == configMapName);
    }

    /// <summary>The generator's files: key (as in key=path, else the file name) and absolute source path.</summary>
    private static List<(string Key, string Source)> GeneratorFiles()
    {
        var generator = DeployFiles.Kustomization.Seq("configMapGenerator").Single(g => g.Str("name") == GeneratorName);
        return generator.Seq("files").Select(f => ((YamlScalarNode)f).Value!).Select(entry =>
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var path = equals < 0 ? entry : entry[(equals + 1)..];
            var key = equals < 0 ? Path.GetFileName(path) : entry[..equals];
            return (key, Path.GetFullPath(Path.Combine(Repository.Kubernetes, path)));
        }).ToList();
    }

    private static string SiloConfigRelative(string path) => Path.GetRelativePath(Repository.SiloConfig, path).Replace('\\', '/');

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, program)));
}
