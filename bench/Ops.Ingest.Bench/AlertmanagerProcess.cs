using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ops.Ingest.Bench;

/// <summary>
/// Prometheus Alertmanager (Debian's <c>prometheus-alertmanager</c>) on loopback with a null receiver, alerts kept in
/// memory only, clustering off: the reference the issue compares with. Started and stopped by this process.
/// </summary>
internal sealed class AlertmanagerProcess : IAsyncDisposable
{
    private const string Executable = "/usr/bin/prometheus-alertmanager";
    private readonly Process _process;
    private readonly string _directory;

    private AlertmanagerProcess(Process process, string directory, Uri address, string version)
    {
        _process = process;
        _directory = directory;
        BaseAddress = address;
        Version = version;
    }

    public Uri BaseAddress { get; }

    public string Version { get; }

    public int Pid => _process.Id;

    /// <summary>Starts Alertmanager, or returns null (with why) when it is not installed or does not come up.</summary>
    public static async Task<(AlertmanagerProcess? Process, string? Problem)> TryStartAsync()
    {
        if (!File.Exists(Executable))
        {
            return (null, $"{Executable} is not installed (apt-get install prometheus-alertmanager)");
        }

        var directory = Directory.CreateTempSubdirectory("ops-ingest-bench-am-").FullName;
        var config = Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, """
            route:
              receiver: "null"
            receivers:
              - name: "null"
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        var am = new AlertmanagerProcess(process, directory, address, await VersionAsync());
        using var client = new HttpClient();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                if ((await client.GetAsync(new Uri(address, "/-/ready"))).IsSuccessStatusCode)
                {
                    return (am, null);
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        await am.DisposeAsync();
        return (null, "Alertmanager did not become ready on loopback");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<string> VersionAsync()
    {
        using var version = Process.Start(new ProcessStartInfo(Executable, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var text = await version.StandardOutput.ReadToEndAsync() + await version.StandardError.ReadToEndAsync();
        await version.WaitForExitAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "alertmanager";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
