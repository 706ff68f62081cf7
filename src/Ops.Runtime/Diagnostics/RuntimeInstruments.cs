using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Ops.Runtime.Catalog;
using Ops.Runtime.Inbox;
using Ops.Runtime.Messaging;
using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Diagnostics;

/// <summary>
/// The silo's instruments (meter <see cref="TelemetryNames.Runtime"/>) and the spans of its turns. Created by the
/// silo from the host's <see cref="IMeterFactory"/>, so the meter lives and dies with the host and several silos in
/// one process (tests) are measured apart; without a factory nothing is measured, and tracing still works.
/// </summary>
/// <remarks>
/// Durations are wall time (<see cref="Stopwatch"/>), not the grain clock: a test on a manual clock still measures
/// how long its turns really took.
/// </remarks>
internal sealed class RuntimeInstruments
{
    private static readonly double[] s_turnBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long>? _activationsCreated;
    private readonly Counter<long>? _activationsCollected;
    private readonly Histogram<double>? _turnDuration;
    private readonly Counter<long>? _calls;
    private readonly Counter<long>? _leasesAcquired;
    private readonly Counter<long>? _leasesLost;

    public RuntimeInstruments(Silo silo, IMeterFactory? meters)
    {
        if (meters is null)
        {
            return;
        }

        var meter = meters.Create(TelemetryNames.Runtime);
        meter.CreateObservableGauge("ops.activations", () => silo.Catalog.Count, "{activation}", "Activations on this silo (stateless workers included).");
        _activationsCreated = meter.CreateCounter<long>("ops.activations.created", "{activation}", "Activations that completed their activation turn, by grain type.");
        _activationsCollected = meter.CreateCounter<long>("ops.activations.collected", "{activation}", "Idle activations collected (unused for Activations:CollectionAge).");
        _turnDuration = meter.CreateHistogram(
            "ops.grain.turn.duration",
            "s",
            "Wall time of a grain turn (call, inbox record, timer, reminder, activation) from start to completion, awaits included, by grain type.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_turnBuckets });
        _calls = meter.CreateCounter<long>("ops.grain.calls", "{call}", "Calls made through grain references, by grain type and method.");
        meter.CreateObservableGauge("ops.inbox.lag", () => ObserveInboxLag(silo), "{record}", "Inbox records stored but not yet applied, per partition this silo serves.");
        meter.CreateObservableGauge("ops.partitions.owned", () => silo.Partitions.ServingLeases().Count, "{partition}", "Partitions this silo holds a valid lease on and serves.");
        _leasesAcquired = meter.CreateCounter<long>("ops.leases.acquired", "{lease}", "Partition leases acquired by this silo.");
        _leasesLost = meter.CreateCounter<long>("ops.leases.lost", "{lease}", "Partition leases this silo lost (taken over, expired, or a fenced write found another owner).");
    }

    public void ActivationCreated(GrainClassInfo grainClass) => _activationsCreated?.Add(1, new KeyValuePair<string, object?>("grain.type", grainClass.GrainType));

    public void ActivationsCollected(int count) => _activationsCollected?.Add(count);

    public void LeasesAcquired(int count) => _leasesAcquired?.Add(count);

    public void LeaseLost() => _leasesLost?.Add(1);

    /// <summary>
    /// The span of an append of <paramref name="records"/> records (until they are durable), a child of the current
    /// activity; null outside a trace, so appends made by nobody's request start no trace of their own.
    /// </summary>
    public static Activity? StartInboxAppend(int records)
    {
        if (Activity.Current is null)
        {
            return null;
        }

        var span = OpsTracing.Runtime.StartActivity("inbox append", ActivityKind.Producer);
        span?.SetTag("inbox.records", records);
        return span;
    }

    /// <summary>A call is sent: counts it, and remembers the caller's activity so its trace continues in the turn.</summary>
    public void CallSent(GrainClassInfo grainClass, GrainCall call)
    {
        _calls?.Add(1, new KeyValuePair<string, object?>("grain.type", grainClass.GrainType), new KeyValuePair<string, object?>("grain.method", call.Method.Name));
        call.CallerActivity = Activity.Current;
    }

    /// <summary>
    /// A turn starts on this thread: notes the time and makes the turn's activity current until the returned scope is
    /// disposed (right after the turn's body returned its task). The body's continuations keep it, since the
    /// execution context of an async method flows through its awaits. Traced: a call made inside a trace (its span
    /// a child of the caller) and an inbox record that carries a <c>traceparent</c> (<see cref="InboxTraceContext"/>).
    /// </summary>
    public TurnScope BeginTurn(Activation activation, GrainMessage turn)
    {
        turn.TurnStartedAt = Stopwatch.GetTimestamp();

        // Untraced turns (most of them) leave Activity.Current alone: writing it costs an execution context.
        var previous = Activity.Current;
        if (previous is not null)
        {
            Activity.Current = null;
        }

        switch (turn)
        {
            case GrainCall { CallerActivity: { } caller } call:
                turn.TurnActivity = OpsTracing.Runtime.StartActivity(call.Method.Name, ActivityKind.Internal, caller.Context);
                turn.TurnActivity?.SetTag("grain.type", activation.Class.GrainType).SetTag("grain.id", activation.GrainId.ToString());
                Activity.Current = turn.TurnActivity ?? caller;
                break;
            case InboxDelivery delivery when OpsTracing.Runtime.HasListeners() && InboxTraceContext.TryExtract(delivery.Record.Payload.Span, out var parent):
                var record = delivery.Record;
                turn.TurnActivity = OpsTracing.Runtime.StartActivity($"inbox deliver {record.Kind}", ActivityKind.Consumer, parent);
                turn.TurnActivity?
                    .SetTag("grain.type", activation.Class.GrainType)
                    .SetTag("grain.id", activation.GrainId.ToString())
                    .SetTag("inbox.partition", record.PartitionId)
                    .SetTag("inbox.offset", record.Offset)
                    .SetTag("inbox.attempt", record.DeliveryAttempt);
                break;
        }

        return new TurnScope(previous, restore: !ReferenceEquals(Activity.Current, previous));
    }

    /// <summary>A turn completed: records its duration and ends its span.</summary>
    public void EndTurn(Activation activation, GrainMessage turn, Task task)
    {
        if (turn.TurnStartedAt != 0)
        {
            _turnDuration?.Record(Stopwatch.GetElapsedTime(turn.TurnStartedAt).TotalSeconds, new KeyValuePair<string, object?>("grain.type", activation.Class.GrainType));
            turn.TurnStartedAt = 0;
        }

        if (turn.TurnActivity is { } span)
        {
            turn.TurnActivity = null;
            if (task.Exception?.InnerException is { } failure)
            {
                span.RecordFailure(failure);
            }

            span.Stop();
        }
    }

    private static IEnumerable<Measurement<long>> ObserveInboxLag(Silo silo)
    {
        foreach (var (partition, lag) in silo.Inbox.LagByPartition)
        {
            yield return new Measurement<long>(lag, new KeyValuePair<string, object?>("partition", partition.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Restores the activity that was current before a turn started on this thread, if the turn changed it.</summary>
    public readonly struct TurnScope(Activity? previous, bool restore) : IDisposable
    {
        public void Dispose()
        {
            if (restore)
            {
                Activity.Current = previous;
            }
        }
    }
}
