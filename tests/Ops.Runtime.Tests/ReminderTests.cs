using Ops.Runtime.Testing;
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

    [SkippableTheory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.PostgreSql)]
    public async Task Ticks_missed_during_a_full_restart_are_delivered_once_on_start_not_as_a_storm(TestStorage storage)
    {
        TestClusters.Require(storage);
        var probe = new Probe();
        await using var cluster = await TestClusters.StartAsync(probe, storage: storage);
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
        var afterRestart = probe.Count("ticks:restarted:beat") - before;
        Assert.True(afterRestart is >= 1 and <= 2, $"{afterRestart} ticks right after the restart: {string.Join(", ", probe.EventsMatching("tick:restarted"))}");
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

    [Theory]
    [InlineData("00:00:10.000", "00:00:09.999", "00:00:11")] // the timer fired early: never the same tick again
    [InlineData("00:00:10.000", "00:00:10.000", "00:00:11")]
    [InlineData("00:00:10.000", "00:00:10.500", "00:00:11")]
    [InlineData("00:00:10.000", "00:00:14.200", "00:00:15")] // four ticks missed: one delivered, the rest coalesced
    public void The_next_occurrence_is_after_both_the_delivered_tick_and_now(string due, string now, string expected)
    {
        var origin = DateTimeOffset.UnixEpoch;
        var next = Reminders.ReminderService.NextOccurrence(origin + TimeSpan.Parse(due, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(1), origin + TimeSpan.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(origin + TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }
}
