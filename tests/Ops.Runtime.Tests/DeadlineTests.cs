using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class DeadlineTests
{
    [Fact]
    public async Task Calls_that_outlive_their_deadline_fail_with_a_timeout_and_the_grain_serves_again_after()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, manualClock: true, options =>
        {
            options.Configuration["Messaging:ResponseTimeout"] = "00:00:05";
            options.Configuration["Messaging:DeadlineSweepInterval"] = "00:00:01";
        });
        var grain = cluster.GrainFactory.GetGrain<ITurnGrain>("slow");

        var held = grain.Hold("never-yet");
        await Probe.WaitUntilAsync(() => probe.Events.Contains("hold:never-yet"));
        var queued = grain.Work(1);
        await cluster.AdvanceClockAsync(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1));
        Assert.False(held.IsCompleted);
        Assert.False(queued.IsCompleted);

        await cluster.AdvanceClockAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TimeoutException>(() => held.WaitAsync(TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<TimeoutException>(() => queued.WaitAsync(TimeSpan.FromSeconds(5)));
        probe.Open("never-yet");
        Assert.Equal(2, await grain.Work(2).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
