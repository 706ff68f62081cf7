using System.Diagnostics;

namespace Ops.Silo.Tests;

/// <summary>The real Ops.Silo process: a configuration it cannot start with ends it with exit code 2 and one line saying what to fix.</summary>
public sealed class SiloProcessTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ops-silo-process-").FullName;

    [Fact]
    public async Task A_missing_postgres_connection_string_is_one_line_naming_the_setting()
    {
        var (exitCode, errors) = await RunSiloAsync("--Storage:Provider", "PostgreSql");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(errors);
        Assert.Contains("Storage:ConnectionString is empty", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_postgres_server_is_one_line_naming_the_connection_string()
    {
        var (exitCode, errors) = await RunSiloAsync(
            "--Storage:DataDirectory", _dataDirectory, "--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", "Host=127.0.0.1;Port=1;Timeout=2;Username=ops");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(errors);
        Assert.Contains("could not be read from PostgreSQL", line, StringComparison.Ordinal);
        Assert.Contains("check Storage:ConnectionString", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unwritable_data_directory_is_one_line_naming_the_directory()
    {
        var file = Path.Combine(_dataDirectory, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");

        var (exitCode, errors) = await RunSiloAsync("--Storage:DataDirectory", Path.Combine(file, "data"));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(errors);
        Assert.Contains("is not writable", line, StringComparison.Ordinal);
        Assert.Contains("Storage:DataDirectory", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partition_count_that_differs_from_the_clusters_is_one_line_saying_which_to_set()
    {
        await using (await SiloHost.StartAsync(_dataDirectory))
        {
        }

        var (exitCode, errors) = await RunSiloAsync("--Storage:DataDirectory", _dataDirectory, "--Silo:PartitionCount", "32");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(errors);
        Assert.Contains("Silo:PartitionCount is 32", line, StringComparison.Ordinal);
        Assert.Contains("set Silo:PartitionCount=64", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_of_range_option_is_one_line_naming_the_option()
    {
        var (exitCode, errors) = await RunSiloAsync("--Storage:DataDirectory", _dataDirectory, "--Silo:PartitionCount", "0");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(errors);
        Assert.Contains("PartitionCount", line, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static async Task<(int ExitCode, IReadOnlyList<string> Errors)> RunSiloAsync(params string[] args)
    {
        var silo = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(silo);
        foreach (var arg in new[] { "--Urls", "http://127.0.0.1:0" }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["OPS_SILO_CONFIG"] = FindSiloConfig();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;
        return (process.ExitCode, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string FindSiloConfig()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "silo-config");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("silo-config not found above the test binaries.");
    }
}
