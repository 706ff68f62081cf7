using Microsoft.Extensions.Configuration;
using Ops.Runtime.Hosting;
using Ops.Silo.Hosting;

namespace Ops.Deploy.Tests;

/// <summary>silo-config/appsettings.Cluster.json: every key is one the silo reads, and it binds and validates.</summary>
public sealed class ClusterConfigurationTests
{
    public static TheoryData<string> ConfigFiles => ["appsettings.json", $"appsettings.{ClusterSettings.EnvironmentName}.json"];

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Every_key_of_the_file_is_one_the_silo_reads(string file)
    {
        var keys = LeafKeys(Path.Combine(Repository.SiloConfig, file));
        Assert.NotEmpty(keys);
        var problems = keys.Select(k => ConfigurationSchema.Silo.CheckKey(k, $"silo-config/{file}: {k}")).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_cluster_file_never_holds_the_connection_string()
    {
        var keys = LeafKeys(Path.Combine(Repository.SiloConfig, $"appsettings.{ClusterSettings.EnvironmentName}.json"));
        Assert.DoesNotContain(keys, k => k.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) || k.Contains("Password", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_cluster_configuration_binds_and_validates_as_the_silo_composes_it()
    {
        // Loading ClusterSettings builds the real host in the Cluster environment, binds every section with
        // ErrorOnUnknownConfiguration and runs the host's validators: it throws on any problem.
        var settings = ClusterSettings.Current;

        Assert.Equal(StorageProvider.PostgreSql, settings.Storage.Provider);
        Assert.Equal(64, settings.Silo.PartitionCount);
        Assert.Equal(11111, settings.Silo.SiloPort);
        Assert.Equal(8080, settings.Silo.GatewayPort);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Leases.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Leases.RenewInterval);
        Assert.Equal(TimeSpan.FromSeconds(1.5), settings.Leases.SafetyMargin);
        Assert.Equal("http://0.0.0.0:8080", settings.Urls);
    }

    [Fact]
    public void The_gateway_port_is_where_the_gateway_listens()
    {
        var settings = ClusterSettings.Current;
        Assert.Equal(settings.Silo.GatewayPort, settings.UrlsPort);
        Assert.NotEqual(settings.Silo.GatewayPort, settings.Silo.SiloPort);
        Assert.NotEqual(0, settings.Silo.SiloPort);
    }

    [Fact]
    public void The_graceful_drain_outlasts_a_deactivation()
    {
        // shutdownTimeoutSeconds bounds the whole stop (inbox, every OnDeactivateAsync, lease release); a drain cut short
        // leaves the leases to expire instead of handing them over.
        var settings = ClusterSettings.Current;
        Assert.True(settings.ShutdownTimeout > settings.Activations.DeactivationTimeout,
            $"shutdownTimeoutSeconds ({settings.ShutdownTimeout}) must be longer than Activations:DeactivationTimeout ({settings.Activations.DeactivationTimeout})");
        Assert.Equal(TimeSpan.FromSeconds(45), settings.ShutdownTimeout);
    }

    [Fact]
    public void Option_sections_are_discovered_from_the_silo()
    {
        var sections = ConfigurationSchema.Silo.Sections;
        Assert.Equal(typeof(SiloOptions), sections["Silo"]);
        Assert.Equal(typeof(LeaseOptions), sections["Leases"]);
        Assert.Equal(typeof(StorageOptions), sections["Storage"]);
        foreach (var name in new[] { "Activations", "Messaging", "Reminders", "Inbox", "Loop", "Ingest", "Remediation", "Notifications" })
        {
            Assert.True(sections.ContainsKey(name), $"section {name} not discovered");
        }
    }

    [Theory]
    [InlineData("Silo__SiloPort")]
    [InlineData("Silo__AdvertisedHost")]
    [InlineData("silo__siloname")]
    [InlineData("Storage__ConnectionString")]
    [InlineData("Leases__Ttl")]
    [InlineData("Remediation__Commands__restart-search__Path")]
    [InlineData("Remediation__Commands__restart-search__Arguments__0")]
    [InlineData("Loop__VolatileLabels__0")]
    [InlineData("Logging__LogLevel__Default")]
    [InlineData("Urls")]
    [InlineData("DOTNET_ENVIRONMENT")]
    [InlineData("OPS_SILO_CONFIG")]
    public void Names_the_silo_reads_are_accepted(string name) =>
        Assert.Null(ConfigurationSchema.Silo.CheckEnvironmentVariable(name));

    [Theory]
    [InlineData("Silo__SiloPrt")]
    [InlineData("Silos__SiloPort")]
    [InlineData("Silo__SiloPort__Extra")]
    [InlineData("Silo")]
    [InlineData("Storage__Connectionstring_")]
    [InlineData("Remediation__Commands__restart-search__Pth")]
    [InlineData("Loop__VolatileLabels__first")]
    [InlineData("Urls__Extra")]
    [InlineData("OPS_SILO_CONFG")]
    [InlineData("DOTNET_ENVIRONMNT")]
    public void Typos_are_refused(string name) =>
        Assert.NotNull(ConfigurationSchema.Silo.CheckEnvironmentVariable(name));

    /// <summary>The file's keys as the silo's JSON provider reads them (comments allowed), leaves only.</summary>
    private static List<string> LeafKeys(string path) =>
        new ConfigurationBuilder().AddJsonFile(path).Build().AsEnumerable()
            .Where(kv => kv.Value is not null)
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
}
