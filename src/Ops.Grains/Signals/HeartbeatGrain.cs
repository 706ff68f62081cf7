using Ops.Contracts;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Runtime;

namespace Ops.Grains.Signals;

/// <summary>
/// A dead-man switch for one heartbeat source. Each beat (appended by the gateway) records the time and the
/// expected interval; a durable reminder checks for silence, and a source silent for more than 1.5 intervals
/// becomes a firing machinery-layer signal (<c>alertname=HeartbeatMissing</c>) on its product, resolved by the next beat.
/// </summary>
[GrainType("heartbeat")]
public sealed class HeartbeatGrain(
    [PersistentState("heartbeat")] IPersistentState<HeartbeatState> state,
    IInbox inbox,
    IGrainFactory grains,
    ICatalogView catalog,
    TimeProvider time) : DomainGrain, IHeartbeatGrain, IInboxRecipient, IRemindable
{
    private const string SilenceReminder = "silence";

    private string Source => this.GetPrimaryKeyString();

    public Task<HeartbeatView> Get() => Task.FromResult(new HeartbeatView(Source, state.State.Product, state.State.Interval, state.State.LastBeatAt, state.State.Silent, state.State.Beats));

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        if (record.Kind != InboxKinds.Heartbeat)
        {
            throw new InvalidDataException($"Heartbeat {Source} cannot apply inbox records of kind '{record.Kind}'.");
        }

        var beat = OpsJson.Deserialize<HeartbeatBeat>(record.Payload.Span);
        var heartbeat = state.State;
        var intervalChanged = heartbeat.Interval != beat.Interval;
        heartbeat.Product = beat.Product ?? heartbeat.Product;
        heartbeat.Interval = beat.Interval;
        heartbeat.LastBeatAt = beat.ReceivedAt;
        heartbeat.Beats++;
        if (heartbeat.Silent)
        {
            heartbeat.Silent = false;
            await SendAsync(SignalStatus.Resolved, $"Heartbeat source {Source} is beating again", cancellationToken);
        }

        await state.WriteStateAsync(cancellationToken);
        if (intervalChanged || await GetReminder(SilenceReminder) is null)
        {
            var period = heartbeat.Interval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : heartbeat.Interval;
            await RegisterOrUpdateReminder(SilenceReminder, heartbeat.Interval * 1.5, period);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        ChangeAsync(() => ReceiveReminderCoreAsync(reminderName, status));

    private async Task ReceiveReminderCoreAsync(string reminderName, TickStatus status)
    {
        var heartbeat = state.State;
        if (reminderName != SilenceReminder || heartbeat.Silent || heartbeat.LastBeatAt is not { } last)
        {
            return;
        }

        var silentFor = time.GetUtcNow() - last;
        if (silentFor <= heartbeat.Interval * 1.5)
        {
            return;
        }

        heartbeat.Silent = true;
        heartbeat.Silences++;
        await SendAsync(SignalStatus.Firing, $"Heartbeat source {Source} silent for {silentFor.TotalSeconds:0} s (expected every {heartbeat.Interval.TotalSeconds:0} s)", CancellationToken.None);
        await state.WriteStateAsync();
    }

    private async Task SendAsync(SignalStatus status, string summary, CancellationToken cancellationToken)
    {
        var heartbeat = state.State;
        var now = time.GetUtcNow();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["alertname"] = "HeartbeatMissing", ["source"] = Source };
        if (heartbeat.Product is { } product)
        {
            labels["product"] = product;
        }

        var signal = new Signal
        {
            Id = $"heartbeat:{Source}:{heartbeat.Silences}:{status}",
            Product = heartbeat.Product,
            Layer = SignalLayer.Machinery,
            Fingerprint = "heartbeat:" + Source,
            Status = status,
            Severity = SeverityHint.Error,
            Summary = summary,
            Labels = labels,
            StartsAt = heartbeat.LastBeatAt ?? now,
            ReceivedAt = now,
            Source = SignalSources.Heartbeat,
            SourceIdentity = Source,
        };
        // A source naming no catalogued product is kept on the unrouted list, like any signal nobody can route.
        var recipient = heartbeat.Product is { } p && catalog.Current.Products.ContainsKey(p)
            ? grains.GetGrainId<IProductGrain>(p)
            : grains.GetGrainId<IUnroutedSignalsGrain>("unrouted");
        await inbox.AppendAsync(recipient, InboxKinds.Signal, OpsJson.Serialize(signal), cancellationToken);
    }
}

/// <summary>A heartbeat source's durable state.</summary>
public sealed class HeartbeatState
{
    public string? Product { get; set; }

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    public DateTimeOffset? LastBeatAt { get; set; }

    public bool Silent { get; set; }

    public long Beats { get; set; }

    public int Silences { get; set; }
}
