using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task A_call_arriving_during_deactivation_starts_a_new_activation_only_after_OnDeactivateAsync_finished()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("d1");
        Assert.Equal(1, await grain.Call());

        await grain.Deactivate();
        await Probe.WaitUntilAsync(() => probe.EventsMatching("deactivate-start").Count == 1);
        var during = grain.Call();
        await Task.Delay(200);
        Assert.False(during.IsCompleted);
        Assert.DoesNotContain("activate-start:2", probe.Events);

        probe.Open("deactivate:d1");
        Assert.Equal(2, await during.WaitAsync(TimeSpan.FromSeconds(5)));

        var events = probe.Events.ToList();
        Assert.True(events.IndexOf("deactivate-end") < events.IndexOf("activate-start:2"), string.Join(", ", events));
        Assert.Equal("deactivate-start:ApplicationRequested", events.Single(e => e.StartsWith("deactivate-start", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_failed_activation_reaches_the_caller_and_the_next_call_activates_again()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        probe.Increment("fail-activation:f1");
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("f1");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Call());
        Assert.Contains("fails on purpose", failure.Message, StringComparison.Ordinal);

        Assert.Equal(2, await grain.Call());
    }

    [Fact]
    public async Task Stateless_worker_calls_run_in_parallel_activations_up_to_the_limit()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var worker = cluster.GrainFactory.GetGrain<IWorkerGrain>(1);

        var calls = Enumerable.Range(0, 6).Select(_ => worker.Busy("workers")).ToList();
        await Probe.WaitUntilAsync(() => probe.Count("worker-running") == 4);
        await Task.Delay(100);
        Assert.Equal(4, probe.Count("worker-running"));

        probe.Open("workers");
        var instances = await Task.WhenAll(calls);
        Assert.Equal(4, instances.Distinct().Count());
    }
}
