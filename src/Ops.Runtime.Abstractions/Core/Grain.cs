namespace Ops.Runtime;

/// <summary>
/// Base class of grain implementations. One activation of a grain exists per grain id in the cluster; it runs
/// one turn at a time (unless <see cref="ReentrantAttribute"/>), and never two pieces of its code in parallel.
/// Grain code must not use <c>ConfigureAwait(false)</c> nor touch its fields inside <c>Task.Run</c>: continuations
/// would leave the activation's turn.
/// </summary>
/// <remarks>
/// Grains are constructed by the runtime, which injects services and <see cref="IPersistentState{TState}"/>
/// parameters marked with <see cref="PersistentStateAttribute"/> into the constructor; constructing one with
/// <c>new</c> throws.
/// </remarks>
public abstract class Grain
{
    private readonly IGrainContext _context;

    /// <summary>Binds the grain to the activation the runtime is constructing.</summary>
    protected Grain()
    {
        _context = GrainConstruction.Current
            ?? throw new InvalidOperationException(
                $"{GetType().Name} is a grain: the runtime creates it on the first call through IGrainFactory.GetGrain; it cannot be constructed with 'new'.");
    }

    /// <summary>The runtime's side of this activation.</summary>
    public IGrainContext GrainContext => _context;

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => _context.GrainId;

    /// <summary>Factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => _context.GrainFactory;

    /// <summary>The silo's services.</summary>
    protected IServiceProvider ServiceProvider => _context.Services;

    /// <summary>
    /// Called once after persistent state was loaded and before any call is delivered. If it throws, the activation
    /// is discarded and the caller that triggered it gets the exception; the next call tries again.
    /// </summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Called as the activation's last turn, on idle collection, hand-off, graceful shutdown or when requested.
    /// Not called when a silo crashes; do not rely on it for durability. State written here is fenced like any write.
    /// </summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate this activation after the current turn; later calls create a new activation.</summary>
    protected void DeactivateOnIdle() => _context.DeactivateOnIdle();

    /// <summary>Keep this activation from idle collection for at least <paramref name="timeSpan"/>; a negative value cancels an earlier delay.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => _context.DelayDeactivation(timeSpan);

    /// <summary>
    /// Registers an in-memory timer. Each tick is a turn of this activation; the next tick is scheduled
    /// <see cref="GrainTimerCreationOptions.Period"/> after the previous callback completed. By default a tick does not
    /// interleave with calls and does not keep the activation alive. Timers end with the activation.
    /// </summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _context.RegisterGrainTimer(static (state, ct) => ((Func<CancellationToken, Task>)state!)(ct), callback, options);
    }

    /// <summary>Registers an in-memory timer with a due time and a period (see the options overload).</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerCreationOptions { DueTime = dueTime, Period = period });

    /// <summary>Registers an in-memory timer whose callback receives <paramref name="state"/>.</summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return _context.RegisterGrainTimer((s, ct) => callback((TState)s!, ct), state, options);
    }

    /// <summary>
    /// Registers or updates a durable reminder. It survives deactivation, silo crashes and full restarts; each due
    /// tick is delivered at least once through <see cref="IRemindable.ReceiveReminder"/>, activating the grain if
    /// needed. Ticks missed while no silo served the grain are coalesced into one.
    /// </summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _context.RegisterOrUpdateReminder(reminderName, dueTime, period);

    /// <summary>Removes a durable reminder.</summary>
    protected Task UnregisterReminder(IGrainReminder reminder) => _context.UnregisterReminder(reminder);

    /// <summary>The durable reminder named <paramref name="reminderName"/>, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string reminderName) => _context.GetReminder(reminderName);

    /// <summary>All durable reminders of this grain.</summary>
    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() => _context.GetReminders();
}
