using Ops.Runtime.Tests.Grains;

namespace Ops.Runtime.Tests;

public sealed class ReminderTests
{
    [Fact]
    public async Task A_reminder_ticks_every_period_until_it_is_unregistered()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>("periodic");

        await grain.Register("beat", TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
        await Probe.WaitUntilAsync(() => probe.Count("ticks:periodic:beat") >= 3);
        Assert.Equal(["beat"], await grain.Reminders());

        await grain.Unregister("beat");
        await Task.Delay(300);
        var after = probe.Count("ticks:periodic:beat");
        await Task.Delay(600);
        Assert.Equal(after, probe.Count("ticks:periodic:beat"));
        Assert.Empty(await grain.Reminders());
    }

    [Fact]
    public async Task Ticks_missed_during_a_full_restart_are_delivered_once_on_start_not_as_a_storm()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>("restarted");
        await grain.Register("beat", TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        await Probe.WaitUntilAsync(() => probe.Count("ticks:restarted:beat") >= 1);

        await cluster.StopSiloAsync(cluster.Primary);
        var before = probe.Count("ticks:restarted:beat");
        await Task.Delay(TimeSpan.FromSeconds(4));
        await cluster.StartSiloAsync();

        // At least three ticks fell due while no silo ran: one catch-up tick, then the regular period.
        await Probe.WaitUntilAsync(() => probe.Count("ticks:restarted:beat") > before, TimeSpan.FromSeconds(5));
        await Task.Delay(TimeSpan.FromMilliseconds(900));
        Assert.InRange(probe.Count("ticks:restarted:beat") - before, 1, 2);
        await Probe.WaitUntilAsync(() => probe.Count("ticks:restarted:beat") - before >= 3, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_reminder_keeps_firing_after_the_silo_is_killed_and_restarted()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);
        await cluster.GrainFactory.GetGrain<IReminderGrain>("survivor").Register("beat", TimeSpan.Zero, TimeSpan.FromMilliseconds(300));
        await Probe.WaitUntilAsync(() => probe.Count("ticks:survivor:beat") >= 1);

        await cluster.RestartSiloAsync(cluster.Primary, kill: true);
        var before = probe.Count("ticks:survivor:beat");

        await Probe.WaitUntilAsync(() => probe.Count("ticks:survivor:beat") >= before + 3);
    }

    [Fact]
    public async Task A_reminder_period_below_the_minimum_is_refused()
    {
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe);

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            cluster.GrainFactory.GetGrain<IReminderGrain>("too-fast").Register("beat", TimeSpan.Zero, TimeSpan.FromMilliseconds(10)));

        Assert.Contains("Reminders:MinimumPeriod", exception.Message, StringComparison.Ordinal);
    }
}
