using System.Diagnostics;
using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class CallChainTests
{
    [Fact]
    public async Task A_call_cycle_between_non_reentrant_grains_fails_fast_with_a_deadlock_exception_naming_the_chain()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var a = cluster.GrainFactory.GetGrain<IPingPongGrain>("a");

        var stopwatch = Stopwatch.StartNew();
        var exception = await Assert.ThrowsAsync<DeadlockException>(() => a.Ping("b", depth: 2, allowReentry: false, partnerAllowsReentry: false));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"the cycle must fail at once, not at the 30 s deadline ({stopwatch.Elapsed})");
        Assert.Equal(["test.pingpong/a", "test.pingpong/b", "test.pingpong/a"], exception.CallChain.Select(g => g.ToString()));
    }

    [Fact]
    public async Task A_call_cycle_succeeds_when_the_grains_in_it_allow_call_chain_reentrancy()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var a = cluster.GrainFactory.GetGrain<IPingPongGrain>("a2");

        var hops = await a.Ping("b2", depth: 3, allowReentry: true, partnerAllowsReentry: true).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(6, hops);
    }

    [Fact]
    public async Task Call_chain_reentrancy_opens_only_the_grain_that_allowed_it()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var a = cluster.GrainFactory.GetGrain<IPingPongGrain>("a4");

        // A allows re-entry and is re-entered once; the next hop would re-enter B, which did not allow it.
        Assert.Equal(2, await a.Ping("b4", depth: 1, allowReentry: true, partnerAllowsReentry: false).WaitAsync(TimeSpan.FromSeconds(10)));
        var exception = await Assert.ThrowsAsync<DeadlockException>(() => a.Ping("b4", depth: 2, allowReentry: true, partnerAllowsReentry: false).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("test.pingpong/b4", exception.CallChain[^1].ToString());
    }

    [Fact]
    public async Task The_grains_of_a_failed_cycle_keep_serving_calls()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var a = cluster.GrainFactory.GetGrain<IPingPongGrain>("a3");
        await Assert.ThrowsAsync<DeadlockException>(() => a.Ping("b3", depth: 2, allowReentry: false, partnerAllowsReentry: false));

        Assert.Equal(0, await a.Ping("b3", depth: 0, allowReentry: false, partnerAllowsReentry: false));
        Assert.Equal(0, await cluster.GrainFactory.GetGrain<IPingPongGrain>("b3").Ping("a3", depth: 0, allowReentry: false, partnerAllowsReentry: false));
    }
}
