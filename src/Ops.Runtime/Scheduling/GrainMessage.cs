using Ops.Runtime.Catalog;

namespace Ops.Runtime.Scheduling;

/// <summary>
/// A unit of work delivered to an activation (a call, a timer tick, a reminder, an inbox record, the activation
/// and deactivation turns) and, while it runs, the <see cref="SynchronizationContext"/> of its turn.
/// </summary>
/// <remarks>
/// Grain code awaits with the default <c>ConfigureAwait(true)</c>, so every continuation of a turn is posted back
/// to this context, which queues it on the activation: the activation's code therefore never runs in parallel, and
/// every continuation knows which turn (call chain, deadline, inbox record) it belongs to without an AsyncLocal.
/// </remarks>
internal abstract class GrainMessage : SynchronizationContext
{
    private static long s_nextTurnId;
    private long _turnId;
    private Action? _onTurnTaskCompleted;

    /// <summary>The activation this message was enqueued on.</summary>
    public Activation? Target { get; set; }

    /// <summary>The grains waiting on this message, innermost first (null for calls from outside any grain).</summary>
    public CallChainLink? Chain { get; set; }

    /// <summary>When the caller stops waiting (a timestamp of the silo's TimeProvider); <see cref="long.MaxValue"/> for none.</summary>
    public long Deadline { get; set; } = long.MaxValue;

    /// <summary>The task of the running turn, once started and incomplete.</summary>
    public Task? TurnTask { get; set; }

    /// <summary>Intrusive links in the activation's list of running turns.</summary>
    public GrainMessage? PreviousRunning { get; set; }

    /// <summary>Intrusive links in the activation's list of running turns.</summary>
    public GrainMessage? NextRunning { get; set; }

    /// <summary>Set once the caller has been answered with a timeout; the turn may still be running.</summary>
    public bool TimedOut { get; set; }

    /// <summary>The activity current where a call was made; its trace continues in the turn (Diagnostics/RuntimeInstruments).</summary>
    public System.Diagnostics.Activity? CallerActivity { get; set; }

    /// <summary>The span of the running turn, when traced.</summary>
    public System.Diagnostics.Activity? TurnActivity { get; set; }

    /// <summary>When the turn started (a <see cref="System.Diagnostics.Stopwatch"/> timestamp); 0 before it starts.</summary>
    public long TurnStartedAt { get; set; }

    /// <summary>
    /// Set when an activation admitted the message as a turn. A call that failed before this was never run and may be
    /// sent again (to the partition's next owner); one that failed after may have had effects.
    /// </summary>
    public bool Started { get; set; }

    /// <summary>
    /// The message came from another silo over the internal port: if this silo cannot serve it, it is answered
    /// NotOwner / unavailable, never forwarded again (at most two hops).
    /// </summary>
    public bool Forwarded { get; set; }

    /// <summary>A silo-unique id of this turn, assigned on first use (call chains refer to it).</summary>
    public long TurnId
    {
        get
        {
            if (_turnId == 0)
            {
                _turnId = Interlocked.Increment(ref s_nextTurnId);
            }

            return _turnId;
        }
    }

    /// <summary>A short description for logs: "call IProduct.Ingest", "timer", "reminder 'ack-deadline'".</summary>
    public abstract string Description { get; }

    /// <summary>Whether delivering this message counts as activity for idle collection.</summary>
    public virtual bool CountsAsActivity => true;

    /// <summary>Whether this turn may start while another turn of the activation is running (at its awaits).</summary>
    public abstract bool MayInterleave(GrainClassInfo grainClass);

    /// <summary>Runs the turn's body on the activation; called with this message as the current context.</summary>
    public abstract Task RunTurn(Activation activation);

    /// <summary>Reports the completed turn to whoever waits for it; called with no synchronization context.</summary>
    public abstract void OnTurnCompleted(Task turn);

    /// <summary>Reports that the message will not run; called with no synchronization context.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Answers the caller with a timeout (the turn, if started, keeps running).</summary>
    public virtual void ExpireDeadline() => Fail(new TimeoutException($"{Description} on {Target?.GrainId} did not complete before its deadline; the grain may still be running it."));

    /// <summary>The delegate that reports completion of <see cref="TurnTask"/> to the activation (allocated once, on first async turn).</summary>
    public Action OnTurnTaskCompleted => _onTurnTaskCompleted ??= () => Target!.CompleteTurn(this, TurnTask!);

    /// <inheritdoc />
    public override void Post(SendOrPostCallback d, object? state) => Target!.Post(this, d, state);

    /// <inheritdoc />
    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("A grain turn cannot block on synchronous work posted to itself; use await.");

    /// <inheritdoc />
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>The message whose turn is running on this thread, or null outside grain code.</summary>
    public static GrainMessage? CurrentTurn => SynchronizationContext.Current as GrainMessage;
}

/// <summary>
/// One grain waiting, in a call chain, for the call it made from one of its turns (identified by the silo and the
/// turn's id, so a chain can travel to another silo and back). A message arriving at a non-reentrant activation whose
/// running turn is in the chain can never start: it is failed as a deadlock.
/// </summary>
internal sealed class CallChainLink(GrainId grain, Guid siloId, long turnId, bool allowReentry, CallChainLink? next)
{
    public CallChainLink(GrainId grain, Guid siloId, GrainMessage turn, bool allowReentry, CallChainLink? next)
        : this(grain, siloId, turn.TurnId, allowReentry, next)
    {
    }

    public GrainId Grain { get; } = grain;

    /// <summary>The silo running the waiting turn.</summary>
    public Guid SiloId { get; } = siloId;

    /// <summary>The waiting turn's id on <see cref="SiloId"/>.</summary>
    public long TurnId { get; } = turnId;

    /// <summary>The caller opened <see cref="RequestContext.AllowCallChainReentrancy"/>: the chain may re-enter it.</summary>
    public bool AllowReentry { get; } = allowReentry;

    public CallChainLink? Next { get; } = next;

    public int Depth { get; } = next is null ? 1 : next.Depth + 1;

    /// <summary>The link of <paramref name="turn"/> (a turn running on silo <paramref name="siloId"/>) in this chain, or null.</summary>
    public CallChainLink? Find(Guid siloId, GrainMessage turn)
    {
        var turnId = turn.TurnId;
        for (var link = this; link is not null; link = link.Next)
        {
            if (link.TurnId == turnId && link.SiloId == siloId)
            {
                return link;
            }
        }

        return null;
    }

    /// <summary>The grains of the chain, outermost first, ending with <paramref name="target"/>.</summary>
    public IReadOnlyList<GrainId> ToList(GrainId target)
    {
        var grains = new List<GrainId>();
        for (var link = this; link is not null; link = link.Next)
        {
            grains.Add(link.Grain);
        }

        grains.Reverse();
        grains.Add(target);
        return grains;
    }

    /// <summary>The links innermost first (for the wire).</summary>
    public IEnumerable<CallChainLink> Links()
    {
        for (var link = this; link is not null; link = link.Next)
        {
            yield return link;
        }
    }
}
