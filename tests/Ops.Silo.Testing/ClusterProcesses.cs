using System.Globalization;

namespace Ops.Silo.Testing;

/// <summary>
/// Several real <c>Ops.Silo</c> processes forming one cluster on the test PostgreSQL server (<c>OPS_TEST_POSTGRES</c>,
/// started by scripts/test.sh), isolated by a fresh cluster id, with short leases so a killed silo's partitions are
/// taken over within seconds. Slot <c>i</c> is named <c>silo-i</c> and keeps its data directory across restarts.
/// </summary>
public sealed class ClusterProcesses : IAsyncDisposable
{
    /// <summary>Partitions of the test clusters: enough to spread, few enough to move quickly.</summary>
    public const int Partitions = 16;

    private readonly string _siloConfig;
    private readonly string _directory;
    private readonly string[] _extraArgs;
    private readonly SiloProcess?[] _silos;

    private ClusterProcesses(string siloConfig, string directory, string connectionString, int count, string[] extraArgs)
    {
        _siloConfig = siloConfig;
        _directory = directory;
        _extraArgs = extraArgs;
        ConnectionString = connectionString;
        ClusterId = $"proc-{Guid.NewGuid():N}"[..20];
        _silos = new SiloProcess?[count];
    }

    /// <summary>The PostgreSQL connection string of the test server, or null where none is configured.</summary>
    public static string? TestConnectionString => Environment.GetEnvironmentVariable("OPS_TEST_POSTGRES");

    /// <summary>scripts/test.sh requires PostgreSQL: a test must fail, not skip, when it is missing.</summary>
    public static bool PostgresRequired => Environment.GetEnvironmentVariable("OPS_REQUIRE_POSTGRES") == "1";

    public string ConnectionString { get; }

    public string ClusterId { get; }

    /// <summary>The silo in slot <paramref name="index"/> (null while it is down).</summary>
    public SiloProcess? this[int index] => _silos[index];

    public int Count => _silos.Length;

    /// <summary>Starts <paramref name="count"/> silos over <paramref name="siloConfig"/>, all ready when this returns.</summary>
    public static async Task<ClusterProcesses> StartAsync(string siloConfig, string directory, string connectionString, int count = 3, params string[] extraArgs)
    {
        var cluster = new ClusterProcesses(siloConfig, directory, connectionString, count, extraArgs);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(cluster.StartAsync));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Starts (or restarts) the silo in slot <paramref name="index"/>: same name, same data directory.</summary>
    public async Task StartAsync(int index)
    {
        _silos[index] = await SiloProcess.StartAsync(_siloConfig, Path.Combine(_directory, $"data-{index}"), [.. Args(index), .. _extraArgs]);
    }

    /// <summary>SIGKILL of slot <paramref name="index"/>: no shutdown hook runs and its leases are left to expire.</summary>
    public async Task KillAsync(int index)
    {
        var silo = _silos[index] ?? throw new InvalidOperationException($"silo-{index} is not running.");
        await silo.KillAsync();
    }

    /// <summary>Every silo's output, for a failure message.</summary>
    public string Outputs() => string.Join(
        Environment.NewLine,
        _silos.Select((s, i) => s is null ? $"--- silo-{i}: not running ---" : $"--- silo-{i} output ---{Environment.NewLine}{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>The cluster settings of slot <paramref name="index"/>: PostgreSQL, free internal port, short leases and loops.</summary>
    private string[] Args(int index) =>
    [
        "--Storage:Provider", "PostgreSql", "--Storage:ConnectionString", ConnectionString,
        "--Silo:ClusterId", ClusterId, "--Silo:SiloName", $"silo-{index}",
        "--Silo:PartitionCount", Partitions.ToString(CultureInfo.InvariantCulture),
        "--Silo:SiloPort", "0", // any free port: the bound one is what the membership row advertises
        "--Leases:Ttl", "00:00:03", "--Leases:RenewInterval", "00:00:00.300", "--Leases:SafetyMargin", "00:00:00.800",
        "--Leases:AcquireInterval", "00:00:00.200",
        "--Cluster:RebalanceInterval", "00:00:00.200", "--Cluster:MapRefreshInterval", "00:00:00.250",
        "--Cluster:JoinTimeout", "00:00:01", "--Cluster:DrainTimeout", "00:00:05",
        "--Inbox:RetryBackoff", "00:00:00.050", "--Inbox:MaxRetryBackoff", "00:00:00.500", "--Inbox:CommitInterval", "00:00:00.050",
        "--Reminders:PollInterval", "00:00:00.200",
        "--Logging:LogLevel:Ops.Runtime", "Information",
    ];
}
