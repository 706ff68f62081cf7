using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ops.Silo.Hosting;
using YamlDotNet.RepresentationModel;

namespace Ops.Deploy.Tests;

/// <summary>The probe paths of every manifest are health endpoints of the real silo, and each means what its probe needs.</summary>
public sealed partial class ProbeTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ops-deploy-probes-");
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        // The real silo host, as tests/Ops.Silo.Tests starts it: the embedded default on a temporary data directory.
        _app = SiloApp.Build(["--silo-config", Repository.SiloConfig, "--Storage:DataDirectory", _data.FullName, "--Urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task Every_probe_path_answers_200_on_a_running_silo()
    {
        var paths = ProbePaths();
        Assert.NotEmpty(paths);
        foreach (var (where, path) in paths)
        {
            using var response = await _client!.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{where}: GET {path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Readiness_is_the_check_of_partitions_and_database_and_liveness_is_not()
    {
        var container = DeployFiles.SiloContainer;
        var readiness = container.Str("readinessProbe", "httpGet", "path");
        var liveness = container.Str("livenessProbe", "httpGet", "path");
        Assert.NotEqual(readiness, liveness);

        // Readiness runs the runtime's check: active, database ping, every owned partition served.
        using var ready = JsonDocument.Parse(await _client!.GetStringAsync(new Uri(readiness, UriKind.Relative)));
        var check = ready.RootElement.GetProperty("checks").EnumerateObject().Single().Value;
        Assert.True(check.GetProperty("data").TryGetProperty("servingPartitions", out _), $"{readiness} does not report servingPartitions: {ready.RootElement}");

        // Liveness runs no check at all: a database outage must not restart every silo.
        using var live = JsonDocument.Parse(await _client.GetStringAsync(new Uri(liveness, UriKind.Relative)));
        Assert.Empty(live.RootElement.GetProperty("checks").EnumerateObject());

        // The startup probe waits for the process, not for partitions (those are the readiness probe's business).
        Assert.Equal(liveness, container.Str("startupProbe", "httpGet", "path"));
    }

    [Fact]
    public void Compose_healthchecks_use_the_readiness_path()
    {
        var readiness = DeployFiles.SiloContainer.Str("readinessProbe", "httpGet", "path");
        foreach (var (where, path) in ProbePaths().Where(p => p.Where.StartsWith("deploy/compose", StringComparison.Ordinal)))
        {
            Assert.True(path == readiness, $"{where} checks {path}, the StatefulSet's readiness is {readiness}");
        }
    }

    /// <summary>Every HTTP path a manifest probes: Kubernetes probes and compose healthchecks.</summary>
    private static List<(string Where, string Path)> ProbePaths()
    {
        var paths = new List<(string, string)>();
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            paths.Add(($"deploy/kubernetes/statefulset.yaml {probe}", DeployFiles.SiloContainer.Str(probe, "httpGet", "path")));
        }

        foreach (var (name, service) in DeployFiles.ComposeSilos())
        {
            var test = string.Join(' ', service.Seq("healthcheck", "test").Select(t => ((YamlScalarNode)t).Value));
            var match = HttpGet().Match(test);
            Assert.True(match.Success, $"compose service {name}: healthcheck sends no GET: {test}");
            paths.Add(($"deploy/compose/compose.yaml {name} healthcheck", match.Groups["path"].Value));
        }

        return paths;
    }

    [GeneratedRegex(@"GET (?<path>/\S*) HTTP/")]
    private static partial Regex HttpGet();
}
