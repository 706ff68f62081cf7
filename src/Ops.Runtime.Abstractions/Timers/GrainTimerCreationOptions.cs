namespace Ops.Runtime;

/// <summary>How a grain timer ticks (Orleans semantics).</summary>
public sealed record GrainTimerCreationOptions
{
    /// <summary>Delay before the first tick.</summary>
    public TimeSpan DueTime { get; init; }

    /// <summary>
    /// Delay between the completion of one callback and the next tick; <see cref="Timeout.InfiniteTimeSpan"/>
    /// for a single tick.
    /// </summary>
    public TimeSpan Period { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Ticks may interleave with calls (at awaits); default false: a tick waits for the running call.</summary>
    public bool Interleave { get; init; }

    /// <summary>Ticks count as activity for idle collection; default false.</summary>
    public bool KeepAlive { get; init; }
}

/// <summary>A registered grain timer. Disposing it stops further ticks.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes the due time and period of the next ticks.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
