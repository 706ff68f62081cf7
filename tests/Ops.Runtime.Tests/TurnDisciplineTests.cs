using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class TurnDisciplineTests
{
    [Fact]
    public async Task A_non_reentrant_grain_runs_200_concurrent_calls_one_at_a_time_in_admission_order()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITurnGrain>("serial");

        var calls = Enumerable.Range(0, 200).Select(grain.Work).ToList();
        await Task.WhenAll(calls);

        Assert.Equal(1, await grain.MaxConcurrency());
        Assert.Equal(Enumerable.Range(0, 200), await grain.Order());
    }

    [Fact]
    public async Task Calls_from_many_threads_never_overlap_in_a_non_reentrant_grain()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITurnGrain>("threads");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => grain.Work(i))));

        Assert.Equal(1, await grain.MaxConcurrency());
        Assert.Equal(200, (await grain.Order()).Count);
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_turns_at_awaits_but_never_runs_its_code_in_parallel()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IReentrantGrain>("interleaving");

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => grain.Work(10))));
        var (maxInSync, maxOverlap) = await grain.Stats();

        Assert.Equal(1, maxInSync);
        Assert.True(maxOverlap > 1, $"turns should interleave at awaits (max overlap {maxOverlap})");
    }

    [Fact]
    public async Task An_always_interleave_method_runs_while_another_call_is_waiting()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITurnGrain>("peek");

        var held = grain.Hold("peek-gate");
        await Probe.WaitUntilAsync(() => probe.Events.Contains("hold:peek-gate"));

        Assert.Equal("peeked", await grain.Peek().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(held.IsCompleted);
        probe.Open("peek-gate");
        await held;
    }

    [Fact]
    public async Task A_call_waits_for_the_running_turn_of_a_non_reentrant_grain()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITurnGrain>("waiting");

        var held = grain.Hold("wait-gate");
        await Probe.WaitUntilAsync(() => probe.Events.Contains("hold:wait-gate"));
        var queued = grain.Work(7);
        await Task.Delay(200);

        Assert.False(queued.IsCompleted, "the second call must wait for the first turn");
        probe.Open("wait-gate");
        Assert.Equal(7, await queued.WaitAsync(TimeSpan.FromSeconds(5)));
        await held;
    }
}
