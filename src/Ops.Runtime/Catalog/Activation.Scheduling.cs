using System.Diagnostics;
using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Catalog;

/// <summary>The mailbox and the turn scheduler: never two pieces of this activation's code in parallel.</summary>
internal sealed partial class Activation : IThreadPoolWorkItem
{
    /// <summary>Work items run per thread-pool dispatch before yielding the thread to other activations.</summary>
    private const int WorkItemsPerQuantum = 128;

    /// <summary>Work items taken from the queue per lock acquisition.</summary>
    private const int BatchSize = 32;

    [ThreadStatic]
    private static WorkItem[]? t_batch;

    private readonly Lock _lock = new();
    private Queue<WorkItem>? _work;
    private Queue<GrainMessage>? _mailbox;
    private GrainMessage? _runningHead;
    private int _runningCount;
    private bool _scheduled;

    /// <summary>The result of offering a message to an activation.</summary>
    public enum EnqueueResult
    {
        /// <summary>The activation took the message (or failed it, e.g. as a deadlock).</summary>
        Accepted,

        /// <summary>The activation is deactivating or gone: wait for <see cref="WhenDeactivated"/> and dispatch again.</summary>
        Deactivating,
    }

    /// <summary>
    /// Offers a message. It starts at once if the activation is valid and idle (or the message may interleave),
    /// otherwise it waits in the mailbox in arrival order. A message that would wait for a turn waiting on its
    /// own call chain fails at once with <see cref="DeadlockException"/>.
    /// </summary>
    public EnqueueResult TryEnqueue(GrainMessage message)
    {
        Exception? failure = null;
        bool schedule;
        lock (_lock)
        {
            if (State >= ActivationState.Deactivating)
            {
                return EnqueueResult.Deactivating;
            }

            message.Target = this;
            if (message.CountsAsActivity)
            {
                _touched = true;
            }

            if (State == ActivationState.Valid && (_runningCount == 0 || message.MayInterleave(Class)))
            {
                StartTurnLocked(message);
            }
            else if (message.Chain is not null && FindRunningTurnInChainLocked(message.Chain) is { } link)
            {
                if (link.AllowReentry && State == ActivationState.Valid)
                {
                    StartTurnLocked(message);
                }
                else
                {
                    failure = new DeadlockException(message.Chain.ToList(GrainId));
                }
            }
            else
            {
                (_mailbox ??= new Queue<GrainMessage>()).Enqueue(message);
            }

            schedule = ScheduleIfNeededLocked();
        }

        if (failure is not null)
        {
            message.Fail(failure);
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return EnqueueResult.Accepted;
    }

    /// <summary>Queues a continuation of <paramref name="turn"/> (from its synchronization context).</summary>
    public void Post(GrainMessage turn, SendOrPostCallback callback, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            (_work ??= new Queue<WorkItem>()).Enqueue(new WorkItem(turn, callback, state));
            schedule = ScheduleIfNeededLocked();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>
    /// Runs queued work items one at a time, each under its turn's synchronization context. Items are taken from the
    /// queue in batches (one lock acquisition per batch) into a buffer of the worker thread, so an idle activation
    /// carries no buffer of its own.
    /// </summary>
    void IThreadPoolWorkItem.Execute()
    {
        if (_silo.Paused is { } resumed)
        {
            // A test's "GC pause": nothing of this silo runs until it resumes; the activation stays scheduled.
            resumed.ContinueWith(static (_, state) => ThreadPool.UnsafeQueueUserWorkItem((Activation)state!, preferLocal: false), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        var batch = t_batch ??= new WorkItem[BatchSize];
        var processed = 0;
        while (processed < WorkItemsPerQuantum)
        {
            int count;
            lock (_lock)
            {
                count = 0;
                while (count < batch.Length && _work is not null && _work.TryDequeue(out var next))
                {
                    batch[count++] = next;
                }

                if (count == 0)
                {
                    _scheduled = false;
                    return;
                }
            }

            for (var i = 0; i < count; i++)
            {
                var item = batch[i];
                batch[i] = default;
                SynchronizationContext.SetSynchronizationContext(item.Turn);
                try
                {
                    if (item.Callback is not null)
                    {
                        item.Callback(item.State);
                    }
                    else
                    {
                        RunTurn(item.Turn);
                    }
                }
                catch (Exception exception)
                {
                    // Continuations of async methods capture their exceptions; reaching here means async void or a runtime bug.
                    _silo.Log.TurnItemFailed(exception, GrainId, item.Turn.Description);
                }
                finally
                {
                    SynchronizationContext.SetSynchronizationContext(null);
                }
            }

            processed += count;
        }

        // Fairness: let other activations run; this one stays scheduled.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void RunTurn(GrainMessage turn)
    {
        if (turn.TimedOut)
        {
            // The deadline sweeper already answered the caller: do not run work nobody waits for.
            CompleteTurn(turn, Task.FromException(new TimeoutException($"{turn.Description} on {GrainId} expired before it started.")));
            return;
        }

        Task task;
        var telemetry = _silo.Instruments.BeginTurn(this, turn);
        try
        {
            task = turn.RunTurn(this);
        }
        catch (Exception exception)
        {
            task = Task.FromException(exception);
        }

        telemetry.Dispose();
        if (task.IsCompleted)
        {
            CompleteTurn(turn, task);
        }
        else
        {
            turn.TurnTask = task;
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(turn.OnTurnTaskCompleted);
        }
    }

    /// <summary>Ends a turn: starts what may start next, reports the result, runs the lifecycle steps due.</summary>
    public void CompleteTurn(GrainMessage turn, Task task)
    {
        bool schedule;
        List<GrainMessage>? leftovers = null;
        var finished = false;
        lock (_lock)
        {
            RemoveRunningLocked(turn);
            if (State == ActivationState.Valid && (_deactivateWhenIdle || _inconsistent) && _runningCount == 0)
            {
                BeginDeactivationLocked(_inconsistent
                    ? new DeactivationReason(DeactivationReasonCode.InconsistentState, "a state write failed its version or fencing check")
                    : new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle"));
            }

            if (State == ActivationState.Valid)
            {
                while (_mailbox is { Count: > 0 } && (_runningCount == 0 || _mailbox.Peek().MayInterleave(Class)))
                {
                    StartTurnLocked(_mailbox.Dequeue());
                }
            }
            else if (State == ActivationState.Deactivating && _runningCount == 0 && !_deactivationTurnQueued)
            {
                _deactivationTurnQueued = true;
                StartTurnLocked(LifecycleTurn.ForDeactivation());
            }
            else if (State == ActivationState.Invalid && !_finished)
            {
                _finished = true;
                finished = true;
                leftovers = DrainMailboxLocked();
            }

            schedule = ScheduleIfNeededLocked();
        }

        _silo.Instruments.EndTurn(this, turn, task);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            turn.OnTurnCompleted(task);
            if (finished)
            {
                Finish(leftovers);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Answers callers whose deadline passed: running turns keep running, waiting messages are dropped.</summary>
    public void ExpireDeadlines(long now)
    {
        List<GrainMessage>? expired = null;
        lock (_lock)
        {
            for (var turn = _runningHead; turn is not null; turn = turn.NextRunning)
            {
                if (!turn.TimedOut && turn.Deadline <= now)
                {
                    turn.TimedOut = true;
                    (expired ??= []).Add(turn);
                }
            }

            if (_mailbox is { Count: > 0 })
            {
                var keep = false;
                foreach (var waiting in _mailbox)
                {
                    if (waiting.Deadline <= now)
                    {
                        keep = true;
                        break;
                    }
                }

                if (keep)
                {
                    var remaining = new Queue<GrainMessage>(_mailbox.Count);
                    foreach (var waiting in _mailbox)
                    {
                        if (waiting.Deadline <= now)
                        {
                            waiting.TimedOut = true;
                            (expired ??= []).Add(waiting);
                        }
                        else
                        {
                            remaining.Enqueue(waiting);
                        }
                    }

                    _mailbox = remaining;
                }
            }
        }

        if (expired is not null)
        {
            foreach (var message in expired)
            {
                message.ExpireDeadline();
            }
        }
    }

    /// <summary>Whether any turn is running or waiting (for tests and the collector).</summary>
    public bool IsBusy
    {
        get
        {
            lock (_lock)
            {
                return _runningCount > 0 || _mailbox is { Count: > 0 };
            }
        }
    }

    private void StartTurnLocked(GrainMessage turn)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "lock held");
        turn.Target = this;
        turn.Started = true;
        turn.PreviousRunning = null;
        turn.NextRunning = _runningHead;
        if (_runningHead is not null)
        {
            _runningHead.PreviousRunning = turn;
        }

        _runningHead = turn;
        _runningCount++;
        (_work ??= new Queue<WorkItem>()).Enqueue(new WorkItem(turn, null, null));
    }

    private void RemoveRunningLocked(GrainMessage turn)
    {
        if (turn.PreviousRunning is not null)
        {
            turn.PreviousRunning.NextRunning = turn.NextRunning;
        }
        else if (ReferenceEquals(_runningHead, turn))
        {
            _runningHead = turn.NextRunning;
        }
        else
        {
            return; // not in the list (already removed)
        }

        if (turn.NextRunning is not null)
        {
            turn.NextRunning.PreviousRunning = turn.PreviousRunning;
        }

        turn.PreviousRunning = null;
        turn.NextRunning = null;
        _runningCount--;
    }

    private CallChainLink? FindRunningTurnInChainLocked(CallChainLink chain)
    {
        for (var turn = _runningHead; turn is not null; turn = turn.NextRunning)
        {
            if (chain.Find(_silo.SiloId, turn) is { } link)
            {
                return link;
            }
        }

        return null;
    }

    private bool ScheduleIfNeededLocked()
    {
        if (_scheduled || _work is not { Count: > 0 })
        {
            return false;
        }

        _scheduled = true;
        return true;
    }

    private List<GrainMessage>? DrainMailboxLocked()
    {
        if (_mailbox is not { Count: > 0 })
        {
            return null;
        }

        var drained = new List<GrainMessage>(_mailbox);
        _mailbox.Clear();
        return drained;
    }

    /// <summary>A queued unit of work: a turn to start (no callback) or a continuation of a running turn.</summary>
    private readonly record struct WorkItem(GrainMessage Turn, SendOrPostCallback? Callback, object? State);
}
