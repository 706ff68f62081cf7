using Ops.Runtime.Catalog;
using Ops.Runtime.Scheduling;
using Ops.Runtime.Storage;

namespace Ops.Runtime.Inbox;

/// <summary>
/// Delivers one inbox record to its recipient as a turn, exactly once in effect: a record at or below the grain's
/// applied cursor is skipped; otherwise the grain's first state write in this turn also advances the cursor (same
/// fenced transaction), and if the grain wrote nothing the cursor is advanced alone after the handler returns. A
/// handler that throws has its activation discarded (its in-memory state may be ahead of storage).
/// </summary>
internal sealed class InboxDelivery(InboxRecord record, Action<InboxDelivery, Exception?> onCompleted) : GrainMessage
{
    private bool _delivering;
    private bool _applied;
    private int _reported;

    public InboxRecord Record { get; } = record;

    /// <summary>The record was applied by this turn or earlier (the cursor covers it).</summary>
    public bool Applied => _applied;

    public override string Description => $"inbox record {Record.PartitionId}:{Record.Offset}";

    public override bool MayInterleave(GrainClassInfo grainClass) => false;

    /// <summary>The delivery whose cursor the current turn of <paramref name="activation"/> has yet to record, if any.</summary>
    public static InboxDelivery? PendingFor(Activation activation) =>
        CurrentTurn is InboxDelivery { _delivering: true, _applied: false } delivery && ReferenceEquals(delivery.Target, activation) ? delivery : null;

    /// <summary>Called after the write that carried the cursor committed.</summary>
    public void MarkApplied()
    {
        _applied = true;
        Target!.InboxCursor = Math.Max(Target.InboxCursor ?? 0, Record.Offset);
    }

    public override async Task RunTurn(Activation activation)
    {
        activation.InboxCursor ??= await activation.Silo.Store.ReadCursorAsync(activation.GrainId, CancellationToken.None) ?? 0;
        if (Record.Offset <= activation.InboxCursor)
        {
            _applied = true;
            return;
        }

        if (activation.GrainInstance is not IInboxRecipient recipient)
        {
            throw new InvalidOperationException($"Grain {activation.GrainId} ({activation.Class.ClassType.Name}) does not implement IInboxRecipient.");
        }

        _delivering = true;
        try
        {
            await recipient.ReceiveInboxRecordAsync(Record, activation.Silo.StoppingToken);
        }
        catch
        {
            // The handler failed: its in-memory state may hold changes that were never stored. The activation is
            // discarded so the redelivery (or the next call) starts again from what is durable.
            activation.DeactivateOnIdle();
            throw;
        }
        finally
        {
            _delivering = false;
        }

        if (!_applied)
        {
            _delivering = true;
            await activation.ExecuteFencedAsync([new AdvanceInboxCursorOperation(activation.GrainId, Record.Offset)], CancellationToken.None);
            MarkApplied();
        }
    }

    public override void OnTurnCompleted(Task turn) => Report(turn.IsCompletedSuccessfully || _applied ? null : turn.Exception?.InnerException ?? new TaskCanceledException());

    public override void Fail(Exception exception) => Report(exception);

    public override void ExpireDeadline() => Report(new TimeoutException($"{Description} to {Target?.GrainId} did not complete before its deadline."));

    /// <summary>Reports the outcome once: a turn that times out and completes later is reported only as the timeout.</summary>
    private void Report(Exception? failure)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            onCompleted(this, failure);
        }
    }
}
