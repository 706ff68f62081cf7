using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ops.Runtime.Hosting;

namespace Ops.Runtime.Testing;

/// <summary>Which database a <see cref="TestCluster"/> keeps its silos' state in.</summary>
public enum TestStorage
{
    /// <summary>A SQLite file in a fresh temporary directory (the embedded default).</summary>
    Sqlite,

    /// <summary>The PostgreSQL server named by <see cref="TestClusterOptions.PostgresConnectionString"/> (default: env OPS_TEST_POSTGRES).</summary>
    PostgreSql,
}

/// <summary>How a <see cref="TestCluster"/> builds its silos. Defaults are fast timings suitable for tests.</summary>
public sealed class TestClusterOptions
{
    /// <summary>The environment variable holding the PostgreSQL connection string for tests.</summary>
    public const string PostgresEnvironmentVariable = "OPS_TEST_POSTGRES";

    /// <summary>The database. The default value is SQLite.</summary>
    public TestStorage Storage { get; set; } = TestStorage.Sqlite;

    /// <summary>The SQLite file; null for a fresh file in a temporary directory deleted with the cluster.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>The PostgreSQL connection string; null for the value of <see cref="PostgresEnvironmentVariable"/>.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The cluster id; the default is fresh per cluster, so tests sharing a database never see each other.</summary>
    public string ClusterId { get; set; } = $"test-{Guid.NewGuid():N}"[..24];

    /// <summary>N. The default value is 8.</summary>
    public int PartitionCount { get; set; } = 8;

    /// <summary>
    /// Give every silo one shared <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> as the grain clock
    /// (timers, idle collection, deadlines, reminder schedules), moved by the test. Leases keep the real clock: the
    /// database's clock cannot be moved. The default value is false.
    /// </summary>
    public bool UseManualClock { get; set; }

    /// <summary>Adds the grains under test (and anything else) to each silo.</summary>
    public Action<OpsRuntimeBuilder>? ConfigureRuntime { get; set; }

    /// <summary>Adds services to each silo (e.g. a probe the test grains report to).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Configuration keys applied to each silo after the test defaults (e.g. "Leases:Ttl" = "00:00:05").</summary>
    public IDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>();

    /// <summary>Adjusts the SQLite store's options (after the database path is set).</summary>
    public Action<AdoNet.SqliteStoreOptions>? ConfigureSqlite { get; set; }

    /// <summary>Logging of each silo; by default nothing is logged unless OPS_TEST_LOGS=1 (then to the console).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>The configuration every test silo starts from: fast leases, reminders and retries.</summary>
    internal static IReadOnlyDictionary<string, string?> Defaults { get; } = new Dictionary<string, string?>
    {
        ["Leases:Ttl"] = "00:00:05",
        ["Leases:RenewInterval"] = "00:00:00.500",
        ["Leases:SafetyMargin"] = "00:00:01",
        ["Leases:AcquireInterval"] = "00:00:00.200",
        ["Leases:StartupTimeout"] = "00:00:10",
        ["Reminders:PollInterval"] = "00:00:00.100",
        ["Reminders:MinimumPeriod"] = "00:00:00.100",
        ["Inbox:RetryBackoff"] = "00:00:00.050",
        ["Inbox:MaxRetryBackoff"] = "00:00:00.500",
        ["Inbox:CommitInterval"] = "00:00:00.050",
        ["Cluster:RebalanceInterval"] = "00:00:00.200",
        ["Cluster:MapRefreshInterval"] = "00:00:00.250",
        ["Cluster:JoinTimeout"] = "00:00:01",
        ["Cluster:DrainTimeout"] = "00:00:05",
        ["Cluster:RoutingTimeout"] = "00:00:20",
    };
}
