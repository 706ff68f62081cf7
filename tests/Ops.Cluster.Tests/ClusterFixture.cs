using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime.Testing;

namespace Ops.Cluster.Tests;

/// <summary>Builds PostgreSQL test clusters (fresh cluster id each) hosting the cluster test grains.</summary>
internal static class Clusters
{
    /// <summary>Lease TTL of the cluster tests: takeover after a crash must happen within this plus a margin.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    public const int Partitions = 12;

    /// <summary>Skips when no PostgreSQL is configured; fails instead when OPS_REQUIRE_POSTGRES=1.</summary>
    public static void Require()
    {
        var configured = Environment.GetEnvironmentVariable(TestClusterOptions.PostgresEnvironmentVariable) is not null;
        if (!configured && Environment.GetEnvironmentVariable("OPS_REQUIRE_POSTGRES") == "1")
        {
            throw new InvalidOperationException("OPS_REQUIRE_POSTGRES=1 but OPS_TEST_POSTGRES is not set; run scripts/test.sh.");
        }

        Skip.IfNot(configured, "Cluster tests need PostgreSQL: set OPS_TEST_POSTGRES (scripts/start-test-postgres.sh prints it).");
    }

    public static TestClusterOptions Options(Probe probe)
    {
        var options = new TestClusterOptions
        {
            Storage = TestStorage.PostgreSql,
            PartitionCount = Partitions,
            ConfigureRuntime = runtime => runtime.AddGrain<CounterGrain>().AddGrain<InboxGrain>(),
            ConfigureServices = services => services.AddSingleton(probe),
        };
        options.Configuration["Leases:Ttl"] = "00:00:03";
        options.Configuration["Leases:RenewInterval"] = "00:00:00.300";
        options.Configuration["Leases:SafetyMargin"] = "00:00:00.800";
        options.Configuration["Reminders:MinimumPeriod"] = "00:00:00.100";
        return options;
    }

    /// <summary>Installs the write-history triggers (<see cref="WriteHistory"/>), migrating a fresh database first; returns the connection string.</summary>
    public static async Task<string> InstallWriteHistoryAsync()
    {
        Require();
        var connectionString = Environment.GetEnvironmentVariable(TestClusterOptions.PostgresEnvironmentVariable)!;
        await using (await TestCluster.StartAsync(Options(new Probe()), 1))
        {
            // Starting a silo applies the runtime's schema, which the triggers attach to.
        }

        await WriteHistory.InstallAsync(connectionString);
        return connectionString;
    }

    public static async Task<TestCluster> StartAsync(Probe probe, int silos = 3, Action<TestClusterOptions>? configure = null)
    {
        Require();
        var options = Options(probe);
        configure?.Invoke(options);
        var cluster = await TestCluster.StartAsync(options, silos);
        try
        {
            await cluster.WaitForStableOwnershipAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A key of <typeparamref name="T"/> whose partition <paramref name="silo"/> serves now.</summary>
    public static string KeyServedBy<T>(TestCluster cluster, TestSilo silo, string prefix)
        where T : IGrainWithStringKey
    {
        for (var i = 0; i < 10_000; i++)
        {
            var key = $"{prefix}-{i}";
            if (cluster.ServingSilo(silo.GrainFactory.GetGrainId<T>(key)) == silo)
            {
                return key;
            }
        }

        throw new InvalidOperationException($"No key with prefix {prefix} lands on {silo}.");
    }

    /// <summary>
    /// Calls <paramref name="call"/> until it succeeds (retrying every failure); returns the result, how long it took
    /// and the failures seen ("Type: message").
    /// </summary>
    public static async Task<(T Result, TimeSpan Elapsed, IReadOnlyList<string> Failures)> UntilSuccessAsync<T>(Func<Task<T>> call, TimeSpan timeout)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var failures = new List<string>();
        while (true)
        {
            try
            {
                return (await call(), watch.Elapsed, failures);
            }
            catch (Exception exception) when (watch.Elapsed < timeout)
            {
                failures.Add($"{exception.GetType().Name}: {exception.Message}");
                await Task.Delay(50);
            }
        }
    }
}
