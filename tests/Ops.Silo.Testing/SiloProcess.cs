using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ops.Silo.Hosting;

namespace Ops.Silo.Testing;

/// <summary>The real <c>Ops.Silo</c> executable as a child process, so a test can <c>kill -9</c> it.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Client.DefaultRequestHeaders.Add("X-Ops-Actor", SiloOptions.DefaultActor);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The process is gone (exited by itself or killed).</summary>
    public bool HasExited => _process.HasExited;

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the silo over <paramref name="siloConfig"/> and <paramref name="dataDirectory"/>; waits until it is ready.</summary>
    public static async Task<SiloProcess> StartAsync(string siloConfig, string dataDirectory, params string[] extraArgs)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A port free when asked can be taken by another process before the silo binds it (tests start silos in
            // parallel): a start refused with "address already in use" is tried again on another port.
            var port = FreePort();
            var silo = new SiloProcess(Process.Start(StartInfo(siloConfig, dataDirectory, port, extraArgs))!, port);
            try
            {
                await silo.WaitUntilReadyAsync();
                return silo;
            }
            catch (InvalidOperationException) when (attempt < 3 && silo.Output.Contains("address already in use", StringComparison.Ordinal))
            {
                await silo.DisposeAsync();
            }
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // the output is complete once the process has exited
                throw new InvalidOperationException($"The silo exited with {_process.ExitCode}: {Output}");
            }

            try
            {
                using var ready = await Client.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await DisposeAsync();
                throw new TimeoutException($"The silo did not become ready: {Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Runs the silo until it exits by itself (a configuration it refuses); returns its exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Errors)> RunToExitAsync(string siloConfig, string dataDirectory)
    {
        var start = StartInfo(siloConfig, dataDirectory, FreePort(), []);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;
        return (process.ExitCode, stderr);
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(string siloConfig, string dataDirectory, int port, string[] extraArgs)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(typeof(SiloApp).Assembly.Location);
        foreach (var arg in new[] { "--silo-config", siloConfig, "--Storage:DataDirectory", dataDirectory, "--Urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning" }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>A loopback TCP port free at the moment of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
