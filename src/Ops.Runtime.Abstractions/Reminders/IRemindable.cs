namespace Ops.Runtime;

/// <summary>Implemented by grains that register durable reminders.</summary>
public interface IRemindable
{
    /// <summary>
    /// Delivers a due tick of <paramref name="reminderName"/> as a turn. At least once per tick: after a crash a
    /// tick may be delivered again, so use <see cref="TickStatus.CurrentTickTime"/> to recognise a repeat.
    /// </summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>The tick being delivered.</summary>
public readonly record struct TickStatus(DateTime FirstTickTime, TimeSpan Period, DateTime CurrentTickTime);

/// <summary>A registered durable reminder.</summary>
public interface IGrainReminder
{
    /// <summary>The reminder's name, unique per grain.</summary>
    string ReminderName { get; }

    /// <summary>The period between ticks.</summary>
    TimeSpan Period { get; }
}
