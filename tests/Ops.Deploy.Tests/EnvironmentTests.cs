namespace Ops.Deploy.Tests;

/// <summary>
/// Every environment variable the manifests give the silo is one it reads: <c>Section__Key</c> names map to a bindable
/// property of an option class (so <c>Silo__SiloPrt</c> fails here instead of being ignored in production).
/// </summary>
public sealed class EnvironmentTests
{
    [Fact]
    public void Every_environment_variable_name_is_one_the_silo_reads()
    {
        var settings = DeployFiles.SiloEnvironment();
        var sources = settings.Select(s => s.Source.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("deploy/kubernetes/statefulset.yaml", sources);
        Assert.Contains("deploy/compose/compose.yaml", sources);
        Assert.Contains("deploy/systemd/ops-silo.service", sources);
        Assert.Contains("deploy/systemd/ops-silo.env.example", sources);
        Assert.Contains("deploy/docker/Dockerfile", sources);

        var problems = settings
            .Select(s => ConfigurationSchema.Silo.CheckEnvironmentVariable(s.Name) is { } problem ? $"{s.Source}: {problem}" : null)
            .OfType<string>()
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_deployment_selects_the_cluster_overlay()
    {
        foreach (var source in new[] { "deploy/kubernetes/statefulset.yaml", "deploy/compose/compose.yaml", "deploy/systemd/ops-silo.service" })
        {
            var environments = Settings(source, "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT");
            Assert.NotEmpty(environments);
            foreach (var setting in environments)
            {
                Assert.Equal(ClusterSettings.EnvironmentName, setting.Value);
                Assert.True(File.Exists(Path.Combine(Repository.SiloConfig, $"appsettings.{setting.Value}.json")), $"{setting.Source}: no silo-config/appsettings.{setting.Value}.json");
            }
        }
    }

    [Fact]
    public void Every_deployment_names_each_silo_and_gets_the_connection_string_from_outside_the_repository()
    {
        foreach (var source in new[] { "deploy/kubernetes/statefulset.yaml", "deploy/compose/compose.yaml", "deploy/systemd/ops-silo" })
        {
            Assert.NotEmpty(Settings(source, "Silo__SiloName"));
            Assert.NotEmpty(Settings(source, "Silo__AdvertisedHost"));
            Assert.NotEmpty(Settings(source, "Storage__ConnectionString"));
        }

        // Kubernetes: from the pod (stable StatefulSet name, pod IP) and the Secret, never literal values.
        var env = DeployFiles.SiloContainer.Seq("env").ToDictionary(e => e.Str("name"));
        Assert.Equal("metadata.name", env["Silo__SiloName"].Str("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", env["Silo__AdvertisedHost"].Str("valueFrom", "fieldRef", "fieldPath"));
        Assert.NotNull(env["Storage__ConnectionString"].Find("valueFrom", "secretKeyRef"));
        Assert.Null(env["Storage__ConnectionString"].Find("value"));

        // systemd: the connection string lives in the EnvironmentFile (mode 0600), not in the unit.
        Assert.Empty(Settings("deploy/systemd/ops-silo.service", "Storage__ConnectionString"));
        Assert.StartsWith("/etc/", DeployFiles.SystemdValue("EnvironmentFile").TrimStart('-'), StringComparison.Ordinal);
    }

    [Fact]
    public void The_silo_config_directory_is_where_each_deployment_puts_it()
    {
        var variable = ConfigurationSchema.SiloConfigVariable;
        var kubernetes = Settings("deploy/kubernetes/statefulset.yaml", variable).Single().Value;
        Assert.Contains(DeployFiles.SiloContainer.Seq("volumeMounts"), m => m.Str("name") == "silo-config" && m.Str("mountPath") == kubernetes && m.Str("readOnly") == "true");

        foreach (var (name, service) in DeployFiles.ComposeSilos())
        {
            var directory = DeployFiles.ComposeEnvironment(service).Single(e => e.Name == variable).Value;
            Assert.Contains(service.Seq("volumes"), v => v.ToString() == $"../../silo-config:{directory}:ro");
        }
    }

    private static List<EnvironmentSetting> Settings(string sourcePrefix, params string[] names) =>
        DeployFiles.SiloEnvironment().Where(s => s.Source.StartsWith(sourcePrefix, StringComparison.Ordinal) && names.Contains(s.Name)).ToList();
}
