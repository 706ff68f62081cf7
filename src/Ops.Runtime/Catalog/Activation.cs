using Ops.Runtime.Persistence;
using Ops.Runtime.Timers;

namespace Ops.Runtime.Catalog;

/// <summary>Where an activation is in its life.</summary>
internal enum ActivationState
{
    /// <summary>The activation turn (construct, load state, OnActivateAsync) is pending or running.</summary>
    Activating,

    /// <summary>Serving calls.</summary>
    Valid,

    /// <summary>Waiting for running turns to finish, or running its deactivation turn; accepts no new messages.</summary>
    Deactivating,

    /// <summary>Gone from the catalog; a new activation may exist.</summary>
    Invalid,
}

/// <summary>
/// One activation of one grain on this silo: the grain instance, its mailbox and turn scheduler, timers and
/// persistent states. At most one exists per grain id on a silo at any time (INV-5), and only while the silo owns
/// the grain's partition under <see cref="BirthEpoch"/> (INV-4).
/// </summary>
internal sealed partial class Activation : IGrainContext
{
    private readonly Silo _silo;
    private List<GrainTimer>? _timers;
    private List<IPersistentStateBinding>? _states;

    public Activation(Silo silo, GrainId grainId, GrainClassInfo grainClass, int partitionId, long birthEpoch)
    {
        _silo = silo;
        GrainId = grainId;
        Class = grainClass;
        PartitionId = partitionId;
        BirthEpoch = birthEpoch;
        _idleSince = silo.Time.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public GrainClassInfo Class { get; }

    /// <summary>The partition of the grain (-1 for stateless workers, which own no partition).</summary>
    public int PartitionId { get; }

    /// <summary>The lease epoch the silo held when this activation was created; every write is fenced with it.</summary>
    public long BirthEpoch { get; }

    /// <summary>The grain instance, once constructed.</summary>
    public object? GrainInstance { get; private set; }

    /// <summary>The highest inbox offset this grain has applied, once loaded.</summary>
    public long? InboxCursor { get; set; }

    public Silo Silo => _silo;

    IGrainFactory IGrainContext.GrainFactory => _silo.GrainFactory;

    IServiceProvider IGrainContext.Services => _silo.Services;

    /// <inheritdoc />
    public override string ToString() => $"[Activation {GrainId} p{PartitionId} e{BirthEpoch} {State}]";

    public void DeactivateOnIdle()
    {
        lock (_lock)
        {
            _deactivateWhenIdle = true;
        }
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        lock (_lock)
        {
            _keepAliveUntil = timeSpan <= TimeSpan.Zero ? 0 : _silo.Time.GetTimestamp() + (long)(timeSpan.TotalSeconds * _silo.Time.TimestampFrequency);
        }
    }

    public IGrainTimer RegisterGrainTimer(Func<object?, CancellationToken, Task> callback, object? state, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        var timer = new GrainTimer(this, callback, state, options);
        lock (_lock)
        {
            if (State is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"{GrainId} is deactivating; it cannot register timers.");
            }

            (_timers ??= []).Add(timer);
        }

        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    public Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _silo.Reminders.RegisterOrUpdateAsync(this, reminderName, dueTime, period);

    public Task UnregisterReminder(IGrainReminder reminder) => _silo.Reminders.UnregisterAsync(this, reminder);

    public Task<IGrainReminder?> GetReminder(string reminderName) => _silo.Reminders.GetAsync(this, reminderName);

    public Task<IReadOnlyList<IGrainReminder>> GetReminders() => _silo.Reminders.GetAllAsync(this);

    /// <summary>Creates the persistent state the constructor asks for, bound to this activation.</summary>
    private object CreatePersistentState(ConstructorParameter parameter)
    {
        var binding = PersistentStateBinding.Create(parameter.StateType!, this, parameter.StateName!);
        (_states ??= []).Add(binding);
        return binding;
    }
}
