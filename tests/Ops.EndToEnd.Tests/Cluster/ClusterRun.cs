using System.Diagnostics;
using Ops.Silo.Testing;
using Xunit.Abstractions;

namespace Ops.EndToEnd.Tests.Cluster;

/// <summary>
/// One kill test's cluster: a <see cref="LoopbackWorld"/> and three <c>Ops.Silo</c> processes on the test PostgreSQL
/// server over a portfolio written into a temp directory of the run's own (deleted on dispose), with a stopwatch for
/// the progress lines the test writes. Skips (or fails under scripts/test.sh) like <see cref="ClusterDatabase.Require"/>.
/// </summary>
internal sealed class ClusterRun(ITestOutputHelper output, Stopwatch total, string connectionString, LoopbackWorld world, string directory) : IAsyncDisposable
{
    private ClusterProcesses? _cluster;

    public string ConnectionString => connectionString;

    public LoopbackWorld World => world;

    public ClusterProcesses Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>Started before the world and the silos: every progress line counts from here.</summary>
    public Stopwatch Total => total;

    /// <summary>Starts the world and three silos over <paramref name="portfolio"/> (given the world's origin), all ready when this returns.</summary>
    public static async Task<ClusterRun> StartAsync(string directoryPrefix, Func<string, Portfolio> portfolio, ITestOutputHelper output)
    {
        var connectionString = ClusterDatabase.Require();
        var total = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        var run = new ClusterRun(output, total, connectionString, await LoopbackWorld.StartAsync(), directory);
        try
        {
            run._cluster = await ClusterProcesses.StartAsync(portfolio(run.World.BaseUrl).Write(directory), directory, connectionString);
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }

        output.WriteLine($"3 silos ready after {total.ElapsedMilliseconds} ms");
        return run;
    }

    /// <summary>SIGKILL of silo <paramref name="victim"/> as soon as <paramref name="accepted"/> reaches <paramref name="after"/>.</summary>
    public Task KillWhenAcceptedAsync(int victim, Func<int> accepted, int after) => Task.Run(async () =>
    {
        while (accepted() < after)
        {
            await Task.Delay(10);
        }

        await Cluster.KillAsync(victim);
        output.WriteLine($"killed silo-{victim} after {accepted()} accepted signals ({Total.ElapsedMilliseconds} ms)");
    });

    /// <summary>Restarts silo <paramref name="victim"/> (same name, same data directory); ready when this returns.</summary>
    public async Task RestartAsync(int victim)
    {
        await Cluster.StartAsync(victim);
        output.WriteLine($"silo-{victim} restarted and ready after {Total.ElapsedMilliseconds} ms");
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await world.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
