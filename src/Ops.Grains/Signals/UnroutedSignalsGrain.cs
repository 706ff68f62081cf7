using Ops.Contracts;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Runtime;

namespace Ops.Grains.Signals;

/// <summary>
/// Signals (and change events) no product could be found for: counted and the most recent kept in full so an
/// operator can see what is arriving unrouted and fix the catalog; never dropped silently (the count says how many
/// fell out of the kept window).
/// </summary>
[GrainType("unrouted-signals")]
public sealed class UnroutedSignalsGrain([PersistentState("unrouted")] IPersistentState<UnroutedState> state) : Grain, IUnroutedSignalsGrain, IInboxRecipient
{
    private const int MaxKept = 1_000;

    public Task<UnroutedView> Get(int limit) => Task.FromResult(new UnroutedView
    {
        Total = state.State.Total,
        Recent = [.. state.State.Recent.AsEnumerable().Reverse().Take(Math.Clamp(limit, 1, MaxKept))],
    });

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        var signal = record.Kind switch
        {
            InboxKinds.Signal => OpsJson.Deserialize<Signal>(record.Payload.Span),
            InboxKinds.Change => FromChange(OpsJson.Deserialize<ChangeEvent>(record.Payload.Span)),
            _ => throw new InvalidDataException($"Unrouted signals cannot apply inbox records of kind '{record.Kind}'."),
        };
        state.State.Total++;
        state.State.Recent.Add(signal);
        if (state.State.Recent.Count > MaxKept)
        {
            state.State.Recent.RemoveAt(0);
        }

        await state.WriteStateAsync(cancellationToken);
    }

    private static Signal FromChange(ChangeEvent change) => new()
    {
        Id = change.Id,
        Fingerprint = "change:" + change.Id,
        Source = "pagerduty-change",
        Summary = change.Summary,
        Status = SignalStatus.Resolved,
        Severity = SeverityHint.Info,
        Labels = change.Details,
        StartsAt = change.Timestamp,
        ReceivedAt = change.ReceivedAt,
        RoutingKey = change.RoutingKey,
        SourceIdentity = change.SourceIdentity,
        Links = change.Links,
        RawPayload = change.RawPayload,
    };
}

/// <summary>The unrouted list's durable state.</summary>
public sealed class UnroutedState
{
    public long Total { get; set; }

    public List<Signal> Recent { get; set; } = [];
}
