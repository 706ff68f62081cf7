using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Ops.Deploy.Tests;

/// <summary>
/// The ports in every manifest are the silo's: the gateway port (Urls in appsettings.Cluster.json = Silo:GatewayPort)
/// and the internal silo-to-silo port (Silo:SiloPort).
/// </summary>
public sealed partial class PortTests
{
    private static int GatewayPort => ClusterSettings.Current.Silo.GatewayPort;

    private static int SiloPort => ClusterSettings.Current.Silo.SiloPort;

    [Fact]
    public void The_statefulset_exposes_exactly_the_gateway_and_silo_ports()
    {
        var ports = DeployFiles.SiloContainer.Seq("ports").ToDictionary(p => p.Str("name"), p => p.Int("containerPort"));
        Assert.Equal(new Dictionary<string, int> { ["gateway"] = GatewayPort, ["silo"] = SiloPort }, ports);
        Assert.Equal(ClusterSettings.Current.UrlsPort, ports["gateway"]);
    }

    [Fact]
    public void Probes_call_the_gateway_port()
    {
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            Assert.Equal(GatewayPort, DeployFiles.ResolveContainerPort(DeployFiles.SiloContainer.Str(probe, "httpGet", "port")));
        }
    }

    [Fact]
    public void The_gateway_service_targets_the_gateway_port_and_the_headless_service_the_silo_port()
    {
        var gateway = DeployFiles.KubernetesObject("Service", "ops-gateway");
        var gatewayPort = gateway.Seq("spec", "ports").Single();
        Assert.Equal(GatewayPort, DeployFiles.ResolveContainerPort(gatewayPort.Str("targetPort")));
        Assert.Equal(GatewayPort, gatewayPort.Int("port"));

        var headless = DeployFiles.KubernetesObject("Service", DeployFiles.StatefulSet.Str("spec", "serviceName"));
        Assert.Contains(headless.Seq("spec", "ports"), p => DeployFiles.ResolveContainerPort(p.Str("targetPort")) == SiloPort && p.Int("port") == SiloPort);
    }

    [Fact]
    public void The_network_policy_opens_the_gateway_to_all_and_the_silo_port_to_silos_only()
    {
        var rules = DeployFiles.KubernetesObject("NetworkPolicy").Seq("spec", "ingress").ToList();
        var gatewayRule = rules.Single(r => r.Seq("ports").Any(p => DeployFiles.ResolveContainerPort(p.Str("port")) == GatewayPort));
        Assert.Null(gatewayRule.Find("from"));
        var siloRule = rules.Single(r => r.Seq("ports").Any(p => DeployFiles.ResolveContainerPort(p.Str("port")) == SiloPort));
        var from = siloRule.Seq("from").Single().StringMap("podSelector", "matchLabels");
        Assert.Equal(DeployFiles.StatefulSet.StringMap("spec", "selector", "matchLabels"), from);
    }

    [Fact]
    public void Compose_maps_distinct_host_ports_to_the_gateway_and_keeps_the_silo_port_internal()
    {
        var hostPorts = new HashSet<int>();
        foreach (var (name, service) in DeployFiles.ComposeSilos())
        {
            var mapping = service.Seq("ports").Select(p => ((YamlScalarNode)p).Value!).Single().Split(':');
            Assert.True(mapping.Length == 2, $"compose service {name}: publish HOST:CONTAINER");
            Assert.Equal(GatewayPort, int.Parse(mapping[1], CultureInfo.InvariantCulture));
            Assert.True(hostPorts.Add(int.Parse(mapping[0], CultureInfo.InvariantCulture)), $"compose service {name}: host port {mapping[0]} used twice");
            Assert.Contains(service.Seq("expose"), p => ((YamlScalarNode)p).Value == SiloPort.ToString(CultureInfo.InvariantCulture));

            var healthcheck = string.Join(' ', service.Seq("healthcheck", "test").Select(t => ((YamlScalarNode)t).Value));
            var port = TcpPort().Match(healthcheck);
            Assert.True(port.Success, $"compose service {name}: the healthcheck calls no /dev/tcp/HOST/PORT");
            Assert.Equal(GatewayPort, int.Parse(port.Groups["port"].Value, CultureInfo.InvariantCulture));
        }

        Assert.Equal(new HashSet<int> { 8081, 8082, 8083 }, hostPorts);
        Assert.Null(DeployFiles.Compose.Find("services", "postgres", "ports")); // not published on the host
    }

    [Fact]
    public void The_image_exposes_the_gateway_and_silo_ports()
    {
        var exposed = DeployFiles.Dockerfile().Where(i => i.Instruction == "EXPOSE")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p.Split('/')[0], CultureInfo.InvariantCulture))
            .ToHashSet();
        Assert.Equal(new HashSet<int> { GatewayPort, SiloPort }, exposed);
    }

    [GeneratedRegex(@"/dev/tcp/[^/]+/(?<port>[0-9]+)")]
    private static partial Regex TcpPort();
}
