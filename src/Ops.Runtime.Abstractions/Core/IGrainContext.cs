namespace Ops.Runtime;

/// <summary>
/// What the runtime gives one activation: its identity and the services a <see cref="Grain"/> forwards to.
/// Grain code uses the protected members of <see cref="Grain"/>; this interface is the runtime's side of them.
/// </summary>
public interface IGrainContext
{
    /// <summary>The activation's grain id.</summary>
    GrainId GrainId { get; }

    /// <summary>The factory for references to other grains.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>The silo's services.</summary>
    IServiceProvider Services { get; }

    /// <summary>Deactivate after the current turn.</summary>
    void DeactivateOnIdle();

    /// <summary>Keep the activation at least this long (positive) or cancel an earlier delay (negative).</summary>
    void DelayDeactivation(TimeSpan timeSpan);

    /// <summary>Registers a timer that is delivered as turns of this activation.</summary>
    IGrainTimer RegisterGrainTimer(Func<object?, CancellationToken, Task> callback, object? state, GrainTimerCreationOptions options);

    /// <summary>Registers or updates a durable reminder.</summary>
    Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period);

    /// <summary>Removes a durable reminder.</summary>
    Task UnregisterReminder(IGrainReminder reminder);

    /// <summary>The durable reminder of this name, or null.</summary>
    Task<IGrainReminder?> GetReminder(string reminderName);

    /// <summary>All durable reminders of this grain.</summary>
    Task<IReadOnlyList<IGrainReminder>> GetReminders();
}

/// <summary>The runtime sets the context of the activation it is constructing, for <see cref="Grain"/>'s constructor.</summary>
internal static class GrainConstruction
{
    [ThreadStatic]
    private static IGrainContext? t_current;

    internal static IGrainContext? Current
    {
        get => t_current;
        set => t_current = value;
    }
}
