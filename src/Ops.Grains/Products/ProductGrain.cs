using System.Globalization;
using Microsoft.Extensions.Options;
using Ops.Contracts;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Contracts.Signals;
using Ops.Grains.Hosting;
using Ops.Grains.Messaging;
using Ops.Runtime;

namespace Ops.Grains.Products;

/// <summary>
/// A product's live symptoms, deduplicated by fingerprint. A fingerprint that starts firing opens an occurrence
/// and tells the ops agent; one that resolves (or lapses: an Alertmanager client alert not re-sent before its
/// <c>endsAt</c>) tells it too. Re-sends of a firing alert change nothing durable unless they extend its lapse
/// time materially, so the routine re-send traffic of Prometheus costs no write.
/// </summary>
[GrainType("product")]
public sealed class ProductGrain(
    [PersistentState("product")] IPersistentState<ProductState> state,
    DomainMessenger messenger,
    ICatalogView catalog,
    TimeProvider time,
    IOptions<OpsLoopOptions> options) : DomainGrain, IProductGrain, IInboxRecipient, IRemindable
{
    private const int MaxSymptoms = 5_000;
    private const int MaxChanges = 50;
    private const int MaxHistory = 10;
    private static readonly TimeSpan EndsAtWriteSlack = TimeSpan.FromMinutes(1);
    private const string LapseReminder = "lapse";

    private string Product => this.GetPrimaryKeyString();

    public Task<ProductView> Get() => Task.FromResult(new ProductView
    {
        Product = Product,
        Symptoms = [.. state.State.Symptoms.Values.OrderByDescending(s => s.LastSeen).Select(ToView)],
        Changes = [.. state.State.Changes.AsEnumerable().Reverse()],
        SignalsReceived = state.State.SignalsReceived,
        OccurrencesOpened = state.State.OccurrencesOpened,
        OutcomeValue = state.State.OutcomeValue,
    });

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        switch (record.Kind)
        {
            case InboxKinds.Signal:
                await ApplySignalAsync(OpsJson.Deserialize<Signal>(record.Payload.Span), cancellationToken);
                break;
            case InboxKinds.Change:
                await ApplyChangeAsync(OpsJson.Deserialize<ChangeEvent>(record.Payload.Span), cancellationToken);
                break;
            default:
                throw new InvalidDataException($"Product {Product} cannot apply inbox records of kind '{record.Kind}'.");
        }
    }

    /// <summary>Reminder: resolves firing symptoms whose <c>endsAt</c> passed without a re-send.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        ChangeAsync(() => ReceiveReminderCoreAsync(reminderName, status));

    private async Task ReceiveReminderCoreAsync(string reminderName, TickStatus status)
    {
        if (reminderName != LapseReminder)
        {
            return;
        }

        var now = time.GetUtcNow();
        var outgoing = new List<Outgoing>();
        foreach (var symptom in state.State.Symptoms.Values)
        {
            if (symptom.Status == SignalStatus.Firing && symptom.EndsAt is { } endsAt && endsAt <= now)
            {
                symptom.Status = SignalStatus.Resolved;
                symptom.Acknowledged = false;
                AddHistory(symptom, now, "lapsed", null);
                outgoing.Add(Resolved(symptom, now));
            }
        }

        if (outgoing.Count > 0)
        {
            await messenger.SendAsync(outgoing);
            await state.WriteStateAsync();
        }

        await ArrangeLapseCheckAsync();
    }

    private async Task ApplySignalAsync(Signal signal, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var product = state.State;
        product.SignalsReceived++;
        if (signal.Layer == SignalLayer.Outcome && signal.Value is { } outcome)
        {
            product.OutcomeValue = outcome;
        }

        var durableChange = false;
        Outgoing? message = null;
        if (!product.Symptoms.TryGetValue(signal.Fingerprint, out var symptom))
        {
            if (signal.Status == SignalStatus.Resolved || signal.Acknowledged)
            {
                // PagerDuty semantics: acknowledge / resolve of an alert that is not open is dropped.
                return;
            }

            symptom = new SymptomState { Fingerprint = signal.Fingerprint, FirstSeen = now };
            product.Symptoms[signal.Fingerprint] = symptom;
            Prune(product);
        }

        symptom.SignalCount++;
        symptom.LastSeen = now;
        symptom.Source = signal.Source;
        var wasFiring = symptom.Status == SignalStatus.Firing && symptom.OccurrenceId is not null;
        if (signal.Status == SignalStatus.Firing && signal.Acknowledged)
        {
            if (wasFiring && !symptom.Acknowledged)
            {
                symptom.Acknowledged = true;
                durableChange = true;
                message = messenger.To<IOpsAgentGrain>(Product, new OccurrenceAcknowledged
                {
                    MessageId = $"{symptom.OccurrenceId}:acknowledged",
                    At = now,
                    OccurrenceId = symptom.OccurrenceId!,
                    Product = Product,
                    Actor = signal.SourceIdentity ?? signal.Source,
                });
            }
        }
        else if (signal.Status == SignalStatus.Firing)
        {
            if (!wasFiring)
            {
                Describe(symptom, signal);
                symptom.Status = SignalStatus.Firing;
                symptom.Acknowledged = false;
                symptom.Occurrences++;
                symptom.OccurrenceId = $"{Product}/{signal.Fingerprint}/{symptom.Occurrences.ToString(CultureInfo.InvariantCulture)}";
                symptom.StartsAt = signal.StartsAt == default ? now : signal.StartsAt;
                symptom.SignalId = signal.Id;
                symptom.EndsAt = signal.EndsAt;
                product.OccurrencesOpened++;
                durableChange = true;
                AddHistory(symptom, now, "firing", signal.Value);
                // Retired: the history is kept, nobody is asked to act.
                if (catalog.Current.Products.GetValueOrDefault(Product) is not { Lifecycle: Lifecycle.Retired })
                {
                    message = messenger.To<IOpsAgentGrain>(Product, new OccurrenceOpened
                    {
                        MessageId = $"{symptom.OccurrenceId}:opened",
                        At = now,
                        Occurrence = ToOccurrence(symptom),
                        LastChange = product.Changes.Count > 0 ? product.Changes[^1] : null,
                        History = [.. symptom.History],
                    });
                }
            }
            else
            {
                // A re-send: annotations are last-write-wins; the lapse time moves with it.
                symptom.Annotations = new Dictionary<string, string>(signal.Annotations, StringComparer.Ordinal);
                symptom.Value = signal.Value ?? symptom.Value;
                var previous = symptom.EndsAt;
                symptom.EndsAt = signal.EndsAt;
                durableChange = previous is not null && signal.EndsAt is not null
                    ? signal.EndsAt.Value - previous.Value > EndsAtWriteSlack
                    : previous != signal.EndsAt;
            }
        }
        else if (wasFiring)
        {
            symptom.Status = SignalStatus.Resolved;
            symptom.Acknowledged = false;
            symptom.EndsAt = signal.EndsAt ?? now;
            durableChange = true;
            AddHistory(symptom, now, "resolved", signal.Value);
            message = Resolved(symptom, now);
        }

        if (message is { } outgoing)
        {
            await messenger.SendAsync([outgoing], cancellationToken);
        }

        if (durableChange)
        {
            await state.WriteStateAsync(cancellationToken);
            await ArrangeLapseCheckAsync();
        }
    }

    private async Task ApplyChangeAsync(ChangeEvent change, CancellationToken cancellationToken)
    {
        if (state.State.Changes.Any(c => c.Id == change.Id))
        {
            return;
        }

        state.State.Changes.Add(change);
        if (state.State.Changes.Count > MaxChanges)
        {
            state.State.Changes.RemoveAt(0);
        }

        await state.WriteStateAsync(cancellationToken);
    }

    private Outgoing Resolved(SymptomState symptom, DateTimeOffset now) =>
        messenger.To<IOpsAgentGrain>(Product, new OccurrenceResolved
        {
            MessageId = $"{symptom.OccurrenceId}:resolved",
            At = now,
            OccurrenceId = symptom.OccurrenceId!,
            Product = Product,
            Fingerprint = symptom.Fingerprint,
        });

    private async Task ArrangeLapseCheckAsync()
    {
        var lapsing = state.State.Symptoms.Values.Any(s => s.Status == SignalStatus.Firing && s.EndsAt is not null);
        var reminder = await GetReminder(LapseReminder);
        if (lapsing && reminder is null)
        {
            var period = options.Value.LapseCheckInterval < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : options.Value.LapseCheckInterval;
            await RegisterOrUpdateReminder(LapseReminder, options.Value.LapseCheckInterval, period);
        }
        else if (!lapsing && reminder is not null)
        {
            await UnregisterReminder(reminder);
        }
    }

    private static void Describe(SymptomState symptom, Signal signal)
    {
        symptom.Layer = signal.Layer;
        symptom.Severity = signal.Severity;
        symptom.Summary = signal.Summary;
        symptom.Labels = new Dictionary<string, string>(signal.Labels, StringComparer.Ordinal);
        symptom.Annotations = new Dictionary<string, string>(signal.Annotations, StringComparer.Ordinal);
        symptom.Value = signal.Value;
    }

    private static void AddHistory(SymptomState symptom, DateTimeOffset at, string what, double? value)
    {
        symptom.History.Add(value is { } v
            ? $"{at:O} {what} value={v.ToString(CultureInfo.InvariantCulture)}"
            : $"{at:O} {what}");
        if (symptom.History.Count > MaxHistory)
        {
            symptom.History.RemoveAt(0);
        }
    }

    private static void Prune(ProductState product)
    {
        if (product.Symptoms.Count <= MaxSymptoms)
        {
            return;
        }

        foreach (var stale in product.Symptoms.Values
                     .Where(s => s.Status == SignalStatus.Resolved)
                     .OrderBy(s => s.LastSeen)
                     .Take(product.Symptoms.Count - MaxSymptoms)
                     .ToList())
        {
            product.Symptoms.Remove(stale.Fingerprint);
        }
    }

    private SymptomOccurrence ToOccurrence(SymptomState symptom) => new()
    {
        OccurrenceId = symptom.OccurrenceId!,
        Product = Product,
        Fingerprint = symptom.Fingerprint,
        Layer = symptom.Layer,
        Severity = symptom.Severity,
        Summary = symptom.Summary,
        Labels = symptom.Labels,
        Annotations = symptom.Annotations,
        Value = symptom.Value,
        StartsAt = symptom.StartsAt,
        SignalId = symptom.SignalId,
        Source = symptom.Source,
    };

    private static SymptomView ToView(SymptomState s) => new()
    {
        Fingerprint = s.Fingerprint,
        Layer = s.Layer,
        Status = s.Status,
        Severity = s.Severity,
        Summary = s.Summary,
        Labels = s.Labels,
        OccurrenceId = s.OccurrenceId,
        Occurrences = s.Occurrences,
        SignalCount = s.SignalCount,
        Acknowledged = s.Acknowledged,
        FirstSeen = s.FirstSeen,
        LastSeen = s.LastSeen,
        EndsAt = s.EndsAt,
        Source = s.Source,
    };
}
