using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Ops.Silo.Testing;

namespace Ops.Telemetry.Tests.Harness;

/// <summary>
/// A real Prometheus server on a free loopback port, with its own TSDB in a temp directory, scraping one target as
/// job <c>ops-silo</c> every second. Killed (with its children) on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Job = "ops-silo";

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>What Prometheus logged (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (<c>host:port</c>) at <paramref name="metricsPath"/>.</summary>
    public static async Task<PrometheusServer> StartAsync(string executable, string target, string metricsPath = "/metrics")
    {
        var directory = Directory.CreateTempSubdirectory("ops-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {Job}
                metrics_path: {metricsPath}
                static_configs:
                  - targets: ["{target}"]
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(executable,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--web.enable-lifecycle",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        var process = Process.Start(start)!;
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.HoldsAsync(server.IsReadyAsync, ready => ready || process.HasExited, "Prometheus to become ready", TimeSpan.FromSeconds(60));
        Assert.False(process.HasExited, $"Prometheus exited with {(process.HasExited ? process.ExitCode : 0)}: {server.Log}");
        return server;
    }

    /// <summary>The value of an instant query's first sample, or null when the result is empty.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        var response = await Client.GetFromJsonAsync<JsonNode>($"/api/v1/query?query={Uri.EscapeDataString(promql)}");
        Assert.Equal("success", response!["status"]!.GetValue<string>());
        var result = response["data"]!["result"]!.AsArray();
        return result.Count == 0 ? null : double.Parse(result[0]!["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    /// <summary>The scrape target's health and last error, as Prometheus reports it.</summary>
    public async Task<string> TargetsAsync() => await Client.GetStringAsync("/api/v1/targets");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Client.GetAsync("/-/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
