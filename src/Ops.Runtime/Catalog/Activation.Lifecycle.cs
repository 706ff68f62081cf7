using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Catalog;

/// <summary>Activation, deactivation, idle collection and abandonment (silo kill).</summary>
internal sealed partial class Activation
{
    private bool _touched = true;
    private long _idleSince;
    private long _keepAliveUntil;
    private bool _deactivateWhenIdle;
    private bool _inconsistent;
    private bool _deactivationTurnQueued;
    private bool _finished;
    private bool _activated;
    private DeactivationReason _deactivationReason;
    private DeactivationReason? _pendingDeactivation;
    private Exception? _activationFailure;
    private TaskCompletionSource? _deactivated;

    public ActivationState State { get; private set; }

    /// <summary>Queues the activation turn: construct the grain, load its states, run OnActivateAsync.</summary>
    public void Start()
    {
        bool schedule;
        lock (_lock)
        {
            State = ActivationState.Activating;
            StartTurnLocked(LifecycleTurn.ForActivation());
            schedule = ScheduleIfNeededLocked();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>
    /// Deactivates after the running turns finish: OnDeactivateAsync runs as the last turn, then the activation
    /// leaves the catalog and messages that were waiting go to a new activation. Completes when it is gone.
    /// </summary>
    public Task DeactivateAsync(DeactivationReason reason)
    {
        bool schedule;
        lock (_lock)
        {
            if (State == ActivationState.Activating)
            {
                _pendingDeactivation ??= reason;
            }
            else if (State == ActivationState.Valid)
            {
                BeginDeactivationLocked(reason);
            }

            schedule = ScheduleIfNeededLocked();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return WhenDeactivated;
    }

    /// <summary>Completes once the activation has left the catalog.</summary>
    public Task WhenDeactivated
    {
        get
        {
            lock (_lock)
            {
                return (_deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    /// <summary>
    /// Deactivates if idle: no activity since the previous check (checks run every collection quantum), nothing
    /// running or waiting, older than its age limit and not kept alive. Returns true if deactivation began.
    /// </summary>
    public bool TryCollectIfIdle(long now, TimeSpan defaultAge)
    {
        bool schedule;
        lock (_lock)
        {
            if (State != ActivationState.Valid)
            {
                return false;
            }

            if (_touched)
            {
                _touched = false;
                _idleSince = now;
                return false;
            }

            var age = Class.CollectionAgeLimit ?? defaultAge;
            if (_runningCount > 0 || _mailbox is { Count: > 0 } || _keepAliveUntil > now || age == Timeout.InfiniteTimeSpan
                || _silo.Time.GetElapsedTime(_idleSince, now) < age)
            {
                return false;
            }

            BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"idle for {age}"));
            schedule = ScheduleIfNeededLocked();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    /// <summary>
    /// The silo was killed: the activation disappears without OnDeactivateAsync; waiting messages fail. Turns still
    /// running carry on as zombies whose writes the epoch fence rejects once another silo owns the partition.
    /// </summary>
    public void Abandon(Exception reason)
    {
        List<GrainMessage>? waiting;
        List<Timers.GrainTimer>? timers;
        lock (_lock)
        {
            State = ActivationState.Invalid;
            _finished = true;
            waiting = DrainMailboxLocked();
            timers = _timers;
            _timers = null;
        }

        timers?.ForEach(t => t.DisposeCore());
        waiting?.ForEach(m => m.Fail(reason));
        lock (_lock)
        {
            _deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _deactivated.TrySetResult();
    }

    /// <summary>A state write failed its checks: deactivate after the running turns.</summary>
    public void MarkInconsistent()
    {
        lock (_lock)
        {
            _inconsistent = true;
        }
    }

    private void BeginDeactivationLocked(DeactivationReason reason)
    {
        State = ActivationState.Deactivating;
        _deactivationReason = reason;
        if (_runningCount == 0 && !_deactivationTurnQueued)
        {
            _deactivationTurnQueued = true;
            StartTurnLocked(LifecycleTurn.ForDeactivation());
        }
    }

    /// <summary>The activation turn's body.</summary>
    private async Task RunActivationAsync()
    {
        try
        {
            GrainConstruction.Current = this;
            object instance;
            try
            {
                var parameters = Class.Parameters;
                var arguments = new object?[parameters.Count];
                for (var i = 0; i < parameters.Count; i++)
                {
                    var parameter = parameters[i];
                    arguments[i] = parameter.Kind switch
                    {
                        ConstructorParameterKind.PersistentState => CreatePersistentState(parameter),
                        ConstructorParameterKind.GrainContext => this,
                        ConstructorParameterKind.GrainFactory => _silo.GrainFactory,
                        _ => _silo.Services.GetService(parameter.ParameterType)
                            ?? throw new InvalidOperationException($"Grain {Class.ClassType.Name} needs a {parameter.ParameterType.Name}, which is not registered in the silo's services."),
                    };
                }

                instance = Class.Construct(arguments);
            }
            finally
            {
                GrainConstruction.Current = null;
            }

            GrainInstance = instance;
            if (_states is not null)
            {
                foreach (var state in _states)
                {
                    await state.ReadAsync(CancellationToken.None);
                }
            }

            if (instance is Grain grain)
            {
                await grain.OnActivateAsync(_silo.StoppingToken);
            }

            lock (_lock)
            {
                _activated = true;
                State = ActivationState.Valid;
                if (_pendingDeactivation is { } pending)
                {
                    BeginDeactivationLocked(pending);
                }
            }

            _silo.Log.Activated(GrainId, PartitionId, BirthEpoch);
            _silo.Instruments.ActivationCreated(Class);
        }
        catch (Exception exception)
        {
            lock (_lock)
            {
                _activationFailure = exception;
                State = ActivationState.Invalid;
            }

            _silo.Log.ActivationFailed(exception, GrainId);
            throw;
        }
    }

    /// <summary>The deactivation turn's body: the last turn of the activation.</summary>
    private async Task RunDeactivationAsync()
    {
        List<Timers.GrainTimer>? timers;
        DeactivationReason reason;
        lock (_lock)
        {
            timers = _timers;
            _timers = null;
            reason = _deactivationReason;
        }

        timers?.ForEach(t => t.DisposeCore());
        if (_activated && GrainInstance is Grain grain)
        {
            using var timeout = new CancellationTokenSource(_silo.CollectionOptions.DeactivationTimeout, _silo.Time);
            try
            {
                await grain.OnDeactivateAsync(reason, timeout.Token);
            }
            catch (Exception exception)
            {
                _silo.Log.DeactivationFailed(exception, GrainId, reason.ToString());
            }
        }

        lock (_lock)
        {
            State = ActivationState.Invalid;
        }

        _silo.Log.Deactivated(GrainId, reason.ToString());
    }

    /// <summary>After the last turn: leave the catalog, then hand waiting messages on (or fail them if activation failed).</summary>
    private void Finish(List<GrainMessage>? leftovers)
    {
        _silo.Catalog.Remove(this);
        lock (_lock)
        {
            _deactivated ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _deactivated.TrySetResult();
        if (leftovers is null)
        {
            return;
        }

        foreach (var message in leftovers)
        {
            if (_activationFailure is not null)
            {
                message.Fail(_activationFailure);
            }
            else
            {
                _silo.Catalog.Dispatch(GrainId, message);
            }
        }
    }

    /// <summary>
    /// A turn of the activation's own life: the first (construct the grain, load its states, OnActivateAsync) or the
    /// last (dispose timers, OnDeactivateAsync). Never interleaves, never counts as activity, answers nobody.
    /// </summary>
    private sealed class LifecycleTurn(string description, Func<Activation, Task> body) : GrainMessage
    {
        public static LifecycleTurn ForActivation() => new("activation", static a => a.RunActivationAsync());

        public static LifecycleTurn ForDeactivation() => new("deactivation", static a => a.RunDeactivationAsync());

        public override string Description => description;

        public override bool CountsAsActivity => false;

        public override bool MayInterleave(GrainClassInfo grainClass) => false;

        public override Task RunTurn(Activation activation) => body(activation);

        public override void OnTurnCompleted(Task turn)
        {
        }

        public override void Fail(Exception exception)
        {
        }
    }
}
