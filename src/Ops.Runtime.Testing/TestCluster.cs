using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ops.Runtime.AdoNet;
using Ops.Runtime.Hosting;
using Ops.Runtime.Testing.Faults;

namespace Ops.Runtime.Testing;

/// <summary>
/// Silos in this process sharing one database, in the spirit of Orleans' TestingHost: start, stop (graceful),
/// kill (crash: no deactivation, no lease release, connections dropped) and restart silos; move a shared manual
/// clock; inject faults into a silo's database connections.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<TestSilo> _silos = [];
    private readonly string? _temporaryDirectory;
    private int _nextSilo;

    private TestCluster(TestClusterOptions options)
    {
        _options = options;
        if (options.Storage == TestStorage.Sqlite && options.SqlitePath is null)
        {
            _temporaryDirectory = Directory.CreateTempSubdirectory("ops-test-").FullName;
            options.SqlitePath = Path.Combine(_temporaryDirectory, "ops.db");
        }

        if (options.Storage == TestStorage.PostgreSql)
        {
            options.PostgresConnectionString ??= Environment.GetEnvironmentVariable(TestClusterOptions.PostgresEnvironmentVariable)
                ?? throw new InvalidOperationException($"PostgreSQL tests need {TestClusterOptions.PostgresEnvironmentVariable}; run scripts/test.sh, which starts a server.");
        }

        Clock = options.UseManualClock ? new FakeTimeProvider(DateTimeOffset.UtcNow) : null;
    }

    /// <summary>The shared manual grain clock, when <see cref="TestClusterOptions.UseManualClock"/> is set.</summary>
    public FakeTimeProvider? Clock { get; }

    /// <summary>The options the silos are built from.</summary>
    public TestClusterOptions Options => _options;

    /// <summary>Every silo started so far, running or not.</summary>
    public IReadOnlyList<TestSilo> Silos => _silos;

    /// <summary>The first running silo.</summary>
    public TestSilo Primary => _silos.FirstOrDefault(s => s.IsRunning) ?? throw new InvalidOperationException("No silo of the test cluster is running.");

    /// <summary>The primary silo's grain factory.</summary>
    public IGrainFactory GrainFactory => Primary.GrainFactory;

    /// <summary>Creates a cluster and starts <paramref name="silos"/> silos.</summary>
    public static async Task<TestCluster> StartAsync(TestClusterOptions options, int silos = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new TestCluster(options);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                await cluster.StartSiloAsync();
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Starts a new silo; returns when it serves its partitions (or throws why it cannot).</summary>
    public async Task<TestSilo> StartSiloAsync(string? name = null)
    {
        name ??= $"silo-{++_nextSilo}";
        var silo = BuildSilo(name);
        try
        {
            await silo.Host.StartAsync();
        }
        catch
        {
            silo.Host.Dispose();
            throw;
        }

        silo.IsRunning = true;
        _ = silo.SiloId;
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Stops a silo gracefully: grains deactivate (OnDeactivateAsync), offsets commit, leases are released.</summary>
    public async Task StopSiloAsync(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (!silo.IsRunning)
        {
            return;
        }

        silo.IsRunning = false;
        await silo.Host.StopAsync();
        silo.Host.Dispose();
    }

    /// <summary>
    /// Kills a silo as a crash would: loops stop, activations vanish without OnDeactivateAsync, nothing is flushed
    /// or released, its connections close (and, as when a process dies, its SQLite file lock is released).
    /// </summary>
    public async Task KillSiloAsync(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (!silo.IsRunning)
        {
            return;
        }

        silo.IsRunning = false;
        silo.Silo.Kill();
        if (silo.Host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            silo.Host.Dispose();
        }
    }

    /// <summary>Stops (or kills) a silo and starts a new one with the same name.</summary>
    public async Task<TestSilo> RestartSiloAsync(TestSilo silo, bool kill = false)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (kill)
        {
            await KillSiloAsync(silo);
        }
        else
        {
            await StopSiloAsync(silo);
        }

        _silos.Remove(silo);
        return await StartSiloAsync(silo.Name);
    }

    /// <summary>
    /// Freezes a silo as a long GC pause would: no lease renewal, heartbeat, rebalancing or map refresh, and no grain
    /// turn or continuation runs, until <see cref="ResumeSilo"/>. Its internal endpoint still accepts connections.
    /// </summary>
    public void PauseSilo(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Silo.Pause();
    }

    /// <summary>Ends a <see cref="PauseSilo"/>.</summary>
    public void ResumeSilo(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Silo.Resume();
    }

    /// <summary>The running silos on which <paramref name="grainId"/> has a valid activation (at most one, INV-5 and leases).</summary>
    public IReadOnlyList<TestSilo> FindActivations(GrainId grainId) =>
        _silos.Where(s => s.IsRunning && s.Diagnostics.IsActive(grainId)).ToList();

    /// <summary>The running silo on which <paramref name="grainId"/> is active, or null; throws if it is active on several.</summary>
    public TestSilo? FindActivation(GrainId grainId) => FindActivations(grainId) switch
    {
        [] => null,
        [var one] => one,
        var many => throw new InvalidOperationException($"{grainId} is active on {many.Count} silos: {string.Join(", ", many)}"),
    };

    /// <summary>The partition of <paramref name="grainId"/> (the cluster's placement function).</summary>
    public int PartitionOf(GrainId grainId) => (_silos.FirstOrDefault(s => s.IsRunning) ?? throw new InvalidOperationException("No silo is running.")).Silo.Partitions.GetPartition(grainId);

    /// <summary>The running silo that serves <paramref name="grainId"/>'s partition now, or null.</summary>
    public TestSilo? ServingSilo(GrainId grainId)
    {
        var partition = PartitionOf(grainId);
        return _silos.FirstOrDefault(s => s.IsRunning && s.Silo.Partitions.TryGetServingEpoch(partition, out _, out _));
    }

    /// <summary>
    /// Waits until ownership is stable: every partition is held, with a live lease, by a running unpaused silo that
    /// serves it, each such silo serves ⌊N/S⌋ or ⌈N/S⌉ partitions, and the database agrees with every silo's
    /// own view, for two consecutive looks. Returns the time it took.
    /// </summary>
    public async Task<TimeSpan> WaitForStableOwnershipAsync(TimeSpan? timeout = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var stableLooks = 0;
        string last = "not looked yet";
        while (started.Elapsed < limit)
        {
            var running = _silos.Where(s => s.IsRunning && !s.IsPaused).ToList();
            if (running.Count > 0)
            {
                var store = running[0].Services.GetRequiredService<Storage.IRuntimeStore>();
                try
                {
                    var partitions = await store.ReadPartitionsAsync(CancellationToken.None);
                    var n = partitions.Count;
                    var low = n / running.Count;
                    var high = (n + running.Count - 1) / running.Count;
                    var problems = new List<string>();
                    foreach (var silo in running)
                    {
                        var inDatabase = partitions.Where(p => p.OwnerSilo == silo.SiloId && p.LeaseRemaining > TimeSpan.Zero).Select(p => p.PartitionId).Order().ToList();
                        var serving = silo.Diagnostics.ServingPartitions.Select(p => p.PartitionId).Order().ToList();
                        if (!inDatabase.SequenceEqual(serving))
                        {
                            problems.Add($"{silo} serves [{string.Join(",", serving)}] but the database says [{string.Join(",", inDatabase)}]");
                        }

                        if (serving.Count < low || serving.Count > high)
                        {
                            problems.Add($"{silo} serves {serving.Count}, share {low}-{high}");
                        }
                    }

                    var owners = running.Select(s => s.SiloId).ToHashSet();
                    var orphans = partitions.Where(p => p.OwnerSilo is not { } o || !owners.Contains(o) || p.LeaseRemaining <= TimeSpan.Zero).Select(p => p.PartitionId).ToList();
                    if (orphans.Count > 0)
                    {
                        problems.Add($"partitions [{string.Join(",", orphans)}] have no running owner");
                    }

                    last = problems.Count == 0 ? "stable" : string.Join("; ", problems);
                    stableLooks = problems.Count == 0 ? stableLooks + 1 : 0;
                    if (stableLooks >= 2)
                    {
                        return started.Elapsed;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    last = exception.Message;
                    stableLooks = 0;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Ownership did not become stable within {limit}: {last}");
    }

    /// <summary>Moves the manual clock forward in steps (timers fire at each step, as time would pass).</summary>
    public async Task AdvanceClockAsync(TimeSpan by, TimeSpan? step = null)
    {
        var clock = Clock ?? throw new InvalidOperationException("The cluster has no manual clock; set UseManualClock.");
        var stride = step ?? by;
        for (var moved = TimeSpan.Zero; moved < by; moved += stride)
        {
            clock.Advance(stride > by - moved ? by - moved : stride);

            // Let the work the timers queued run before the next step.
            await Task.Delay(10);
        }
    }

    /// <summary>Stops every running silo gracefully and removes the temporary database.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos.Where(s => s.IsRunning).ToList())
        {
            try
            {
                await StopSiloAsync(silo);
            }
            catch (Exception)
            {
                await KillSiloAsync(silo);
            }
        }

        if (_temporaryDirectory is not null)
        {
            try
            {
                Directory.Delete(_temporaryDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private TestSilo BuildSilo(string name)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(TestClusterOptions.Defaults);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:ClusterId"] = _options.ClusterId,
            ["Silo:SiloName"] = name,
            ["Silo:PartitionCount"] = _options.PartitionCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Configuration.AddInMemoryCollection(_options.Configuration);

        builder.Logging.ClearProviders();
        if (_options.ConfigureLogging is not null)
        {
            _options.ConfigureLogging(builder.Logging);
        }
        else if (Environment.GetEnvironmentVariable("OPS_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
        }

        if (Clock is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
        }

        var faults = new FaultInjectingConnectionFactory();
        builder.Services.AddSingleton(new ConnectionFactoryDecorator(inner => faults.Wrap(inner)));
        _options.ConfigureServices?.Invoke(builder.Services);
        builder.Services.AddOpsRuntime(runtime =>
        {
            if (_options.Storage == TestStorage.Sqlite)
            {
                runtime.UseSqlite(o =>
                {
                    o.DatabasePath = _options.SqlitePath!;
                    _options.ConfigureSqlite?.Invoke(o);
                });
            }
            else
            {
                runtime.UsePostgreSql(o => o.ConnectionString = _options.PostgresConnectionString!);
            }

            _options.ConfigureRuntime?.Invoke(runtime);
        });

        return new TestSilo(name, builder.Build(), faults);
    }
}
