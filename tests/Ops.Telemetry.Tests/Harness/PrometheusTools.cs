using System.Diagnostics;

namespace Ops.Telemetry.Tests.Harness;

/// <summary>
/// Debian's Prometheus tools (scripts/install-test-packages.sh). When one is missing the test is skipped, unless
/// <c>OPS_REQUIRE_TOOLS=1</c> (scripts/test.sh sets it): then it fails.
/// </summary>
public static class PrometheusTools
{
    public static string Promtool => Require("promtool");

    public static string Prometheus => Require("prometheus");

    /// <summary>Runs <c>promtool check metrics</c> on <paramref name="exposition"/> (stdin): exit code and everything it said.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var start = new ProcessStartInfo(Promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    private static string Require(string tool)
    {
        var path = Find(tool);
        if (path is not null)
        {
            return path;
        }

        var message = $"{tool} is not installed (apt-get install prometheus; scripts/install-test-packages.sh)";
        if (Environment.GetEnvironmentVariable("OPS_REQUIRE_TOOLS") == "1")
        {
            Assert.Fail(message + " and OPS_REQUIRE_TOOLS=1 requires it.");
        }

        Skip.If(true, message);
        return "";
    }

    private static string? Find(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, tool)))
            {
                return Path.Combine(directory, tool);
            }
        }

        return null;
    }
}
