using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class IdleCollectionTests
{
    [Fact]
    public async Task An_idle_activation_is_collected_after_its_age_exactly_once_and_the_next_call_reloads_its_state()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true, TimerTests.IdleCollection);
        var counter = cluster.GrainFactory.GetGrain<ICounterGrain>("idle");
        for (var i = 0; i < 3; i++)
        {
            await counter.Increment();
        }

        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(1));
        Assert.Empty(probe.EventsMatching("deactivate:idle"));

        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1));
        await Probe.WaitUntilAsync(() => probe.EventsMatching("deactivate:idle").Count == 1);
        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1));

        Assert.Equal(["deactivate:idle:ActivationIdle"], probe.EventsMatching("deactivate:idle"));
        Assert.Equal(3, await counter.Get());
        Assert.Equal(2, await counter.ActivationCount());
        Assert.Equal(["activate:idle:0", "activate:idle:3"], probe.EventsMatching("activate:idle"));
    }

    [Fact]
    public async Task DelayDeactivation_keeps_an_idle_activation_for_the_requested_time()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true, TimerTests.IdleCollection);
        probe.Open("deactivate:kept");
        var grain = cluster.GrainFactory.GetGrain<ILifecycleGrain>("kept");
        await grain.KeepAlive(TimeSpan.FromMinutes(30));

        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(1));
        Assert.Empty(probe.EventsMatching("deactivate-start"));

        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        await Probe.WaitUntilAsync(() => probe.EventsMatching("deactivate-start:ActivationIdle").Count == 1);
    }

    [Fact]
    public async Task A_class_collection_age_limit_overrides_the_silo_default()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true, TimerTests.IdleCollection);
        await cluster.GrainFactory.GetGrain<ILifecycleGrain2>("brief").Call();

        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));

        await Probe.WaitUntilAsync(() => probe.Events.Contains("short-lived-deactivate:ActivationIdle"));
    }
}
