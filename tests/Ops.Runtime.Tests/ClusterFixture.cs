using Microsoft.Extensions.DependencyInjection;
using Ops.Runtime.Testing;
using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

/// <summary>Builds test clusters hosting the test grains with a fresh probe.</summary>
internal static class TestClusters
{
    public static TestClusterOptions Options(Probe probe, bool manualClock = false, TestStorage storage = TestStorage.Sqlite)
    {
        var options = new TestClusterOptions
        {
            UseManualClock = manualClock,
            Storage = storage,
            ConfigureRuntime = runtime => runtime
                .AddGrain<CounterGrain>()
                .AddGrain<TurnGrain>()
                .AddGrain<ReentrantGrain>()
                .AddGrain<PingPongGrain>()
                .AddGrain<TimerGrain>()
                .AddGrain<LifecycleGrain>()
                .AddGrain<ShortLivedGrain>()
                .AddGrain<IsolationGrain>()
                .AddGrain<WorkerGrain>()
                .AddGrain<ReminderGrain>()
                .AddGrain<InboxCounterGrain>(),
            ConfigureServices = services => services.AddSingleton(probe),
        };
        return options;
    }

    public static Task<TestCluster> StartAsync(Probe probe, bool manualClock = false, Action<TestClusterOptions>? configure = null, TestStorage storage = TestStorage.Sqlite)
    {
        var options = Options(probe, manualClock, storage);
        configure?.Invoke(options);
        return TestCluster.StartAsync(options);
    }

    /// <summary>Skips a PostgreSQL case when no server is configured (fails instead when OPS_REQUIRE_POSTGRES=1).</summary>
    public static void Require(TestStorage storage)
    {
        if (storage != TestStorage.PostgreSql)
        {
            return;
        }

        var configured = Environment.GetEnvironmentVariable(TestClusterOptions.PostgresEnvironmentVariable) is not null;
        if (!configured && Environment.GetEnvironmentVariable("OPS_REQUIRE_POSTGRES") == "1")
        {
            throw new InvalidOperationException("OPS_REQUIRE_POSTGRES=1 but OPS_TEST_POSTGRES is not set; run scripts/test.sh.");
        }

        Skip.IfNot(configured, "PostgreSQL cases need OPS_TEST_POSTGRES (scripts/test.sh sets it).");
    }
}
