using Ops.Runtime.Catalog;
using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Timers;

/// <summary>
/// An in-memory grain timer with Orleans semantics: each tick is a turn of the activation; the next tick is armed
/// only after the previous callback completed (the period runs from completion, ticks never overlap); by default a
/// tick waits for running calls and does not count as activity. It ends with the activation.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly Activation _activation;
    private readonly Func<object?, CancellationToken, Task> _callback;
    private readonly object? _state;
    private readonly GrainTimerCreationOptions _options;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ITimer _timer;
    private TimeSpan _dueTime;
    private TimeSpan _period;

    public GrainTimer(Activation activation, Func<object?, CancellationToken, Task> callback, object? state, GrainTimerCreationOptions options)
    {
        _activation = activation;
        _callback = callback;
        _state = state;
        _options = options;
        _dueTime = options.DueTime;
        _period = options.Period;
        _timer = activation.Silo.Time.CreateTimer(static s => ((GrainTimer)s!).OnDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool IsDisposed => _disposed.IsCancellationRequested;

    public void Start() => Arm(_dueTime);

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        _dueTime = dueTime;
        _period = period;
        Arm(dueTime);
    }

    public void Dispose()
    {
        DisposeCore();
        _activation.RemoveTimer(this);
    }

    /// <summary>Stops the timer without touching the activation's list (the activation is clearing it).</summary>
    internal void DisposeCore()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
    }

    private void Arm(TimeSpan dueTime)
    {
        if (!IsDisposed && dueTime != Timeout.InfiniteTimeSpan)
        {
            _timer.Change(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDue()
    {
        if (IsDisposed)
        {
            return;
        }

        if (_activation.TryEnqueue(new Tick(this)) == Activation.EnqueueResult.Deactivating)
        {
            DisposeCore();
        }
    }

    /// <summary>One tick of the timer, delivered as a turn.</summary>
    private sealed class Tick(GrainTimer timer) : GrainMessage
    {
        public override string Description => "timer tick";

        public override bool CountsAsActivity => timer._options.KeepAlive;

        public override bool MayInterleave(GrainClassInfo grainClass) => timer._options.Interleave || grainClass.IsReentrant;

        public override Task RunTurn(Activation activation) =>
            timer.IsDisposed ? Task.CompletedTask : timer._callback(timer._state, timer._disposed.Token);

        public override void OnTurnCompleted(Task turn)
        {
            if (turn.IsFaulted)
            {
                timer._activation.Silo.Log.TimerCallbackFailed(turn.Exception!.InnerException!, timer._activation.GrainId);
            }

            if (timer._period != Timeout.InfiniteTimeSpan)
            {
                timer.Arm(timer._period);
            }
        }

        public override void Fail(Exception exception)
        {
        }
    }
}
