using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class TimerTests
{
    private static long TimeOf(string @event) => long.Parse(@event.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_period_runs_from_the_completion_of_the_previous_callback_and_ticks_never_overlap()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("period");
        await grain.Start(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), interleave: false, keepAlive: false, gate: "p");

        await cluster.AdvanceClockAsync(TimeSpan.FromSeconds(1));
        await Probe.WaitUntilAsync(() => probe.Count("ticks") == 1);
        await cluster.AdvanceClockAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        Assert.Equal(1, probe.Count("ticks"));

        probe.Open("p:1");
        await grain.Ping();
        Assert.Single(probe.EventsMatching("tick-end"));
        await cluster.AdvanceClockAsync(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, probe.Count("ticks"));
        await cluster.AdvanceClockAsync(TimeSpan.FromMilliseconds(1));
        await Probe.WaitUntilAsync(() => probe.Count("ticks") == 2);

        var secondStart = TimeOf(probe.EventsMatching("tick-start")[1]);
        var firstEnd = TimeOf(probe.EventsMatching("tick-end")[0]);
        Assert.Equal(1000, secondStart - firstEnd);
        Assert.All(probe.EventsMatching("tick-start"), e => Assert.EndsWith(":False", e, StringComparison.Ordinal));
        probe.Open("p:2");
    }

    [Fact]
    public async Task By_default_a_tick_waits_for_the_running_call()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("wait");
        probe.Open("w:1");
        await grain.Start(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan, interleave: false, keepAlive: false, gate: "w");
        var call = grain.Hold("call-gate");
        await Probe.WaitUntilAsync(() => probe.Events.Contains("call-start"));

        await cluster.AdvanceClockAsync(TimeSpan.FromSeconds(2));
        await Task.Delay(100);
        Assert.Equal(0, probe.Count("ticks"));

        probe.Open("call-gate");
        await call;
        await Probe.WaitUntilAsync(() => probe.Count("ticks") == 1);
        var events = probe.Events.ToList();
        Assert.True(events.IndexOf("call-end") < events.FindIndex(e => e.StartsWith("tick-start", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_interleaving_timer_ticks_while_a_call_awaits()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("interleave");
        probe.Open("i:1");
        await grain.Start(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan, interleave: true, keepAlive: false, gate: "i");
        var call = grain.Hold("call-gate-2");
        await Probe.WaitUntilAsync(() => probe.Events.Contains("call-start"));

        await cluster.AdvanceClockAsync(TimeSpan.FromSeconds(1));

        await Probe.WaitUntilAsync(() => probe.EventsMatching("tick-end").Count == 1);
        Assert.False(call.IsCompleted);
        probe.Open("call-gate-2");
        await call;
    }

    [Fact]
    public async Task A_timer_without_keep_alive_lets_the_grain_be_collected_and_stops_with_it()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true, IdleCollection);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("collected");
        for (var i = 1; i <= 100; i++)
        {
            probe.Open($"c:{i}");
        }

        await grain.Start(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), interleave: false, keepAlive: false, gate: "c");

        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(13), TimeSpan.FromMinutes(1));
        await Probe.WaitUntilAsync(() => probe.Events.Contains("deactivate:ActivationIdle"));
        var ticks = probe.Count("ticks");
        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));

        Assert.InRange(ticks, 5, 13);
        Assert.Equal(ticks, probe.Count("ticks"));
    }

    [Fact]
    public async Task A_keep_alive_timer_keeps_the_grain_active()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true, IdleCollection);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("kept");
        for (var i = 1; i <= 100; i++)
        {
            probe.Open($"k:{i}");
        }

        await grain.Start(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), interleave: false, keepAlive: true, gate: "k");

        await cluster.AdvanceClockAsync(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1));

        await Probe.WaitUntilAsync(() => probe.Count("ticks") >= 10);
        Assert.DoesNotContain("deactivate:ActivationIdle", probe.Events);
    }

    internal static void IdleCollection(Testing.TestClusterOptions options)
    {
        options.Configuration["Activations:CollectionAge"] = "00:10:00";
        options.Configuration["Activations:CollectionQuantum"] = "00:01:00";
        options.Configuration["Messaging:ResponseTimeout"] = "01:00:00";
    }
}
