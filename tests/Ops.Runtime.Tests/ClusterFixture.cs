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

    public static Task<TestCluster> StartAsync(Probe probe, bool manualClock = false, Action<TestClusterOptions>? configure = null)
    {
        var options = Options(probe, manualClock);
        configure?.Invoke(options);
        return TestCluster.StartAsync(options);
    }
}
