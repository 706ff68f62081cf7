using Microsoft.Extensions.Logging;
using Ops.Contracts;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Runtime;
using Ops.Runtime.Diagnostics;

namespace Ops.Gateway.Ingest;

/// <summary>
/// Hands what the adapters parsed to the durable inbox: routes each signal or change (<see cref="SignalRouter"/>)
/// and appends it for its product's grain (<see cref="IProductGrain"/>), or for the unrouted-signals grain
/// (<see cref="IUnroutedSignalsGrain"/>, key <see cref="UnroutedKey"/>) when no product claims it.
/// </summary>
/// <remarks>
/// Everything passed in one call is appended in one <see cref="IInbox.AppendAsync(IReadOnlyList{InboxAppend}, CancellationToken)"/>
/// call, so a request's signals are durable together or not at all; the methods return only once they are durable
/// (the caller may then answer 2xx). Payloads are <see cref="OpsJson.Serialize{T}"/> of the record, with
/// <see cref="InboxKinds"/> as the record kind.
/// </remarks>
public sealed partial class SignalIntake
{
    /// <summary>The key of the single <see cref="IUnroutedSignalsGrain"/>.</summary>
    public const string UnroutedKey = "unrouted";

    private readonly IInbox _inbox;
    private readonly IGrainFactory _grains;
    private readonly SignalRouter _router;
    private readonly ILogger<SignalIntake> _logger;
    private readonly IngestInstruments? _instruments;

    public SignalIntake(IInbox inbox, IGrainFactory grains, SignalRouter router, ILogger<SignalIntake> logger, IngestInstruments? instruments = null)
    {
        _inbox = inbox;
        _grains = grains;
        _router = router;
        _logger = logger;
        _instruments = instruments;
    }

    /// <summary>Routes <paramref name="signals"/>, appends them all durably, and returns them with their product set.</summary>
    public async Task<IntakeReceipt> AcceptAsync(IReadOnlyList<Signal> signals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var traceParent = OpsTracing.CurrentTraceParent();
        var routed = signals.Select(signal => signal with { Product = _router.Route(signal), TraceParent = traceParent }).ToList();
        var records = routed.Select(signal => new InboxAppend(RecipientFor(signal.Product), InboxKinds.Signal, OpsJson.Serialize(signal))).ToList();
        if (records.Count > 0)
        {
            await _inbox.AppendAsync(records, cancellationToken);
        }

        var receipt = new IntakeReceipt(routed);
        foreach (var format in routed.GroupBy(s => (s.Source, Routed: s.Product is not null)))
        {
            _instruments?.RecordAccepted(format.Key.Source, format.Key.Routed, format.Count());
        }

        if (receipt.Unrouted > 0)
        {
            LogUnrouted(receipt.Unrouted, routed.First(s => s.Product is null).Fingerprint, routed[0].SourceIdentity);
        }

        return receipt;
    }

    /// <summary>Routes <paramref name="change"/>, appends it durably, and returns it with its product set.</summary>
    public async Task<ChangeEvent> AcceptAsync(ChangeEvent change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var routed = change with { Product = _router.Route(change) };
        await _inbox.AppendAsync([new InboxAppend(RecipientFor(routed.Product), InboxKinds.Change, OpsJson.Serialize(routed))], cancellationToken);
        _instruments?.RecordAccepted(IngestFormat.PagerDutyChange.MetricLabel, routed.Product is not null);
        if (routed.Product is null)
        {
            LogUnroutedChange(routed.RoutingKey, routed.SourceIdentity);
        }

        return routed;
    }

    /// <summary>Appends <paramref name="beat"/> durably for the heartbeat grain of its source.</summary>
    public async Task AcceptAsync(HeartbeatBeat beat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(beat);
        var recipient = _grains.GetGrainId<IHeartbeatGrain>(beat.Source);
        await _inbox.AppendAsync([new InboxAppend(recipient, InboxKinds.Heartbeat, OpsJson.Serialize(beat))], cancellationToken);
        _instruments?.RecordAccepted(SignalSources.Heartbeat, beat.Product is not null);
    }

    private GrainId RecipientFor(string? product) =>
        product is null ? _grains.GetGrainId<IUnroutedSignalsGrain>(UnroutedKey) : _grains.GetGrainId<IProductGrain>(product);

    [LoggerMessage(7001, LogLevel.Warning, "{Count} signal(s) from {Sender} matched no catalog product (first: fingerprint {Fingerprint}); they are kept as unrouted. Add the product, or an alias or routing key, to the catalog, or fix the sender's product label")]
    private partial void LogUnrouted(int count, string fingerprint, string? sender);

    [LoggerMessage(7002, LogLevel.Warning, "A change event from {Sender} (routing key {RoutingKey}) matched no catalog product; it is kept as unrouted. Add the routing key to the product in the catalog")]
    private partial void LogUnroutedChange(string? routingKey, string? sender);
}

/// <summary>What <see cref="SignalIntake"/> stored for one request: the signals, each with its product (null = unrouted).</summary>
public sealed record IntakeReceipt(IReadOnlyList<Signal> Signals)
{
    /// <summary>How many signals went to a product.</summary>
    public int Routed => Signals.Count(s => s.Product is not null);

    /// <summary>How many signals went to the unrouted-signals grain.</summary>
    public int Unrouted => Signals.Count(s => s.Product is null);
}
