using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ops.Deploy.Tests;

/// <summary>Every manifest parses, and the Kubernetes objects fit together (names, selectors, the Secret, the image).</summary>
public sealed class ManifestTests
{
    public static TheoryData<string> YamlFiles => [.. DeployFiles.YamlFiles().Select(Repository.Relative)];

    [Fact]
    public void Deploy_has_the_manifests_of_every_kind()
    {
        var files = DeployFiles.YamlFiles().Select(Repository.Relative).ToList();
        Assert.Contains("deploy/kubernetes/kustomization.yaml", files);
        Assert.Contains("deploy/compose/compose.yaml", files);
        Assert.True(File.Exists(DeployFiles.SystemdUnitPath));
        Assert.True(File.Exists(DeployFiles.DockerfilePath));
        Assert.True(File.Exists(DeployFiles.PostgresConfPath));
        Assert.True(File.Exists(DeployFiles.RolesSqlPath));
    }

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_yaml_file_parses(string file)
    {
        IReadOnlyList<YamlMappingNode> documents;
        try
        {
            documents = Yaml.LoadDocuments(Path.Combine(Repository.Root, file));
        }
        catch (YamlException exception)
        {
            Assert.Fail($"{file}:{exception.Start.Line}:{exception.Start.Column}: {exception.Message}");
            return;
        }

        Assert.NotEmpty(documents);
        if (file.StartsWith("deploy/kubernetes/", StringComparison.Ordinal))
        {
            foreach (var document in documents)
            {
                Assert.False(string.IsNullOrEmpty(document.StrOrNull("apiVersion")), $"{file}: a document without apiVersion");
                Assert.False(string.IsNullOrEmpty(document.StrOrNull("kind")), $"{file}: a document without kind");
                if (document.StrOrNull("kind") != "Kustomization")
                {
                    Assert.False(string.IsNullOrEmpty(document.StrOrNull("metadata", "name")), $"{file}: a {document.Str("kind")} without a name");
                    Assert.Null(document.Find("metadata", "namespace")); // namespace-agnostic: set it in kustomize or with -n
                }
            }
        }
    }

    [Fact]
    public void StatefulSet_runs_three_silos_behind_a_headless_service()
    {
        var statefulSet = DeployFiles.StatefulSet;
        Assert.Equal(3, statefulSet.Int("spec", "replicas"));
        var headless = DeployFiles.KubernetesObject("Service", statefulSet.Str("spec", "serviceName"));
        Assert.Equal("None", headless.Str("spec", "clusterIP"));
        Assert.Equal("true", headless.Str("spec", "publishNotReadyAddresses"));
        Assert.Equal("RollingUpdate", statefulSet.Str("spec", "updateStrategy", "type"));
    }

    [Fact]
    public void Every_selector_selects_the_silo_pods()
    {
        var podLabels = DeployFiles.StatefulSet.StringMap("spec", "template", "metadata", "labels");
        var selectors = new List<(string What, IReadOnlyDictionary<string, string> Selector)>
        {
            ("StatefulSet", DeployFiles.StatefulSet.StringMap("spec", "selector", "matchLabels")),
            ("PodDisruptionBudget", DeployFiles.KubernetesObject("PodDisruptionBudget").StringMap("spec", "selector", "matchLabels")),
            ("NetworkPolicy", DeployFiles.KubernetesObject("NetworkPolicy").StringMap("spec", "podSelector", "matchLabels")),
        };
        selectors.AddRange(DeployFiles.Services().Select(s => ($"Service {s.Str("metadata", "name")}", s.StringMap("spec", "selector"))));
        foreach (var (what, selector) in selectors)
        {
            Assert.NotEmpty(selector);
            foreach (var (key, value) in selector)
            {
                Assert.True(podLabels.TryGetValue(key, out var label) && label == value, $"{what} selects {key}={value}, which the silo pods do not carry");
            }
        }
    }

    [Fact]
    public void PodDisruptionBudget_lets_one_silo_go_at_a_time()
    {
        var budget = DeployFiles.KubernetesObject("PodDisruptionBudget");
        Assert.Equal("1", budget.Str("spec", "maxUnavailable"));
        Assert.Null(budget.Find("spec", "minAvailable"));
    }

    [Fact]
    public void Connection_string_comes_from_the_example_secret_and_never_from_a_file()
    {
        var reference = DeployFiles.SiloContainer.Seq("env").Single(e => e.Str("name") == "Storage__ConnectionString").Map("valueFrom", "secretKeyRef");
        var secret = Yaml.LoadSingle(Path.Combine(Repository.Kubernetes, "secret.example.yaml"));
        Assert.Equal("Secret", secret.Str("kind"));
        Assert.Equal("ops-postgres", reference.Str("name"));
        Assert.Equal("connection-string", reference.Str("key"));
        Assert.Equal(secret.Str("metadata", "name"), reference.Str("name"));
        Assert.NotNull(secret.Find("stringData", reference.Str("key")));

        // The example is documentation: the kustomization must not apply a placeholder password.
        Assert.DoesNotContain(DeployFiles.Kustomization.Seq("resources"), r => ((YamlScalarNode)r).Value == "secret.example.yaml");
    }

    [Fact]
    public void Every_deployment_runs_the_same_image()
    {
        Assert.Equal(DeployFiles.SiloImage, DeployFiles.SiloContainer.Str("image"));
        var image = DeployFiles.Kustomization.Seq("images").Single();
        Assert.Equal(DeployFiles.SiloImage, $"{image.Str("name")}:{image.Str("newTag")}");
        var silos = DeployFiles.ComposeSilos();
        Assert.Equal(3, silos.Count);
        foreach (var (name, service) in silos)
        {
            Assert.Equal("deploy/docker/Dockerfile", service.Str("build", "dockerfile"));
            var context = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(DeployFiles.ComposePath)!, service.Str("build", "context")));
            Assert.True(context == Repository.Root, $"compose service {name} builds from {context}, not the repository root");
        }
    }

    [Fact]
    public void Silo_pods_run_as_non_root_with_a_read_only_root_filesystem()
    {
        var pod = DeployFiles.PodSpec;
        var container = DeployFiles.SiloContainer;
        Assert.Equal("true", pod.Str("securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", pod.Str("securityContext", "runAsUser"));
        Assert.Equal("true", container.Str("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", container.Str("securityContext", "allowPrivilegeEscalation"));
        Assert.Contains(container.Seq("securityContext", "capabilities", "drop"), c => ((YamlScalarNode)c).Value == "ALL");
        Assert.NotNull(container.Find("resources", "requests", "memory"));
        Assert.NotNull(container.Find("resources", "limits", "memory"));

        // Every mount has its volume; the writable ones are emptyDirs.
        var volumes = pod.Seq("volumes").ToDictionary(v => v.Str("name"));
        foreach (var mount in container.Seq("volumeMounts"))
        {
            Assert.True(volumes.TryGetValue(mount.Str("name"), out var volume), $"volumeMount {mount.Str("name")} has no volume");
            if (mount.StrOrNull("readOnly") != "true")
            {
                Assert.NotNull(volume!.Find("emptyDir"));
            }
        }
    }

    [Fact]
    public void Compose_silos_wait_for_a_healthy_database_and_have_distinct_names()
    {
        var compose = DeployFiles.Compose;
        var postgres = compose.Map("services", "postgres");
        Assert.StartsWith("postgres:15", postgres.Str("image"), StringComparison.Ordinal);
        Assert.NotNull(postgres.Find("healthcheck", "test"));
        Assert.Contains(postgres.Seq("volumes"), v => ((YamlScalarNode)v).Value!.StartsWith("../postgres/postgresql.conf.d:", StringComparison.Ordinal));

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, service) in DeployFiles.ComposeSilos())
        {
            Assert.Equal("service_healthy", service.Str("depends_on", "postgres", "condition"));
            var environment = DeployFiles.ComposeEnvironment(service).ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
            Assert.True(names.Add(environment["Silo__SiloName"]!), $"compose service {name}: Silo__SiloName {environment["Silo__SiloName"]} is used twice");
            Assert.Equal(name, environment["Silo__AdvertisedHost"]); // the service's name on the compose network
        }
    }

    [Fact]
    public void Every_path_a_compose_file_mounts_exists()
    {
        var directory = Path.GetDirectoryName(DeployFiles.ComposePath)!;
        foreach (var service in DeployFiles.Compose.Map("services").Children.Values)
        {
            foreach (var volume in service.Seq("volumes").Select(v => ((YamlScalarNode)v).Value!))
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith('.') || source.StartsWith('/'))
                {
                    var path = Path.GetFullPath(Path.Combine(directory, source));
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"compose mounts {source}, which does not exist ({path})");
                }
            }
        }
    }
}
