using System.Globalization;
using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Agents;
using Ops.Grains.Correlation;
using Ops.Grains.Hosting;
using Ops.Grains.Messaging;
using Ops.Grains.Notifications;
using Ops.Grains.Portfolio;
using Ops.Runtime;

namespace Ops.Grains.Incidents;

/// <summary>
/// One incident: its symptoms, severity, blast radius, timeline, pages and their deliveries. A contained incident
/// pages the root product's builder; a cross-product or platform one pages the escalation tier and informs every
/// affected builder once. The acknowledgement deadline (by severity) is a durable reminder: missed, it pages the
/// next step of the escalation chain. Pages are recorded before they are sent and each delivery carries an
/// idempotency key (incident, page number, channel), so a replay re-sends at most the same page.
/// </summary>
[GrainType("incident")]
public sealed class IncidentGrain(
    [PersistentState("incident")] IPersistentState<IncidentState> state,
    DomainMessenger messenger,
    ICatalogView catalog,
    INotificationSender notifier,
    TimeProvider time,
    IOptions<OpsLoopOptions> options) : DomainGrain, IIncidentGrain, IInboxRecipient, IRemindable
{
    private const string AckReminder = "ack-deadline";

    private string IncidentId => this.GetPrimaryKeyString();

    private IncidentState Incident => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Incident.Pages.Any(p => !p.Sent))
        {
            RegisterGrainTimer(DeliverPendingAsync, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public Task<IncidentView?> Get() => Task.FromResult(Incident.Opened ? View() : null);

    public Task<IncidentView> Acknowledge(string actor) =>
        ChangeAsync(() => AcknowledgeCoreAsync(actor));

    private async Task<IncidentView> AcknowledgeCoreAsync(string actor)
    {
        RequireOpened();
        if (Incident.State == IncidentStates.Resolved)
        {
            throw new InvalidOperationException($"Incident {IncidentId} is resolved; it cannot be acknowledged.");
        }

        if (Incident.State == IncidentStates.Acknowledged)
        {
            return View();
        }

        var now = time.GetUtcNow();
        Incident.State = IncidentStates.Acknowledged;
        Incident.AcknowledgedBy = actor;
        Incident.AcknowledgedAt = now;
        Incident.AckDeadline = null;
        Instruments?.RecordAcknowledged(Incident.Severity.ToString().ToLowerInvariant(), now - Incident.OpenedAt);
        AddTimeline(now, "acknowledged", $"acknowledged by {actor} after {FormatDuration(now - Incident.OpenedAt)}", actor);
        var outgoing = new List<Outgoing> { Indexed(now) };
        foreach (var page in Incident.Pages.Where(p => p.Reason != "informed"))
        {
            outgoing.Add(ToPager(page.RecipientKind, page.Recipient, new PageAcknowledged { MessageId = $"{IncidentId}:ack:{page.Recipient}", At = now, IncidentId = IncidentId, Actor = actor }));
        }

        await messenger.SendAsync(outgoing);
        await state.WriteStateAsync();
        await StopAckClockAsync();
        return View();
    }

    public Task<IncidentView> AddNote(string actor, string text) =>
        ChangeAsync(() => AddNoteCoreAsync(actor, text));

    private async Task<IncidentView> AddNoteCoreAsync(string actor, string text)
    {
        RequireOpened();
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("text must not be empty.", nameof(text));
        }

        AddTimeline(time.GetUtcNow(), "note", text, actor);
        await state.WriteStateAsync();
        return View();
    }

    public Task<IncidentView> Resolve(string actor, StructuredFix fix) =>
        ChangeAsync(() => ResolveCoreAsync(actor, fix));

    private async Task<IncidentView> ResolveCoreAsync(string actor, StructuredFix fix)
    {
        RequireOpened();
        if (!RuleOfThree.FixKinds.Contains(fix.Kind))
        {
            throw new ArgumentException($"fix.kind must be one of {string.Join(", ", RuleOfThree.FixKinds)}; got '{fix.Kind}'.", "fix.kind");
        }

        if (fix.Kind != "manual" && fix.Kind != "rollback" && string.IsNullOrWhiteSpace(fix.Target))
        {
            throw new ArgumentException($"fix.target is required for a {fix.Kind} fix (the URL or the allow-listed command).", "fix.target");
        }

        if (Incident.State == IncidentStates.Resolved)
        {
            throw new InvalidOperationException($"Incident {IncidentId} is already resolved.");
        }

        var now = time.GetUtcNow();
        Incident.State = IncidentStates.Resolved;
        Incident.ResolvedBy = actor;
        Incident.ResolvedAt = now;
        Incident.Fix = fix;
        Incident.AckDeadline = null;
        AddTimeline(now, "resolved", $"resolved by {actor} with a {fix.Kind} fix{(fix.Target.Length > 0 ? " on " + fix.Target : "")}{(fix.Text is { Length: > 0 } text ? ": " + text : "")}", actor);
        var outgoing = new List<Outgoing>
        {
            Indexed(now),
            messenger.To<ICorrelationGrain>(CorrelationGrain.Key, new IncidentClosed { MessageId = $"{IncidentId}:closed", At = now, IncidentId = IncidentId }),
        };
        foreach (var symptom in Incident.Symptoms.GroupBy(s => s.Product, StringComparer.Ordinal).Select(g => g.First()))
        {
            outgoing.Add(messenger.To<IOpsAgentGrain>(symptom.Product, new FixRecorded
            {
                MessageId = $"{IncidentId}:fix:{symptom.Product}",
                At = now,
                IncidentId = IncidentId,
                Occurrence = symptom,
                Fix = fix,
                Actor = actor,
            }));
        }

        await messenger.SendAsync(outgoing);
        await state.WriteStateAsync();
        await StopAckClockAsync();
        return View();
    }

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        var message = InboxMessages.Decode(record);
        if (Incident.Ledger.SeenBefore(message.MessageId))
        {
            return;
        }

        var outgoing = new List<Outgoing>();
        switch (message)
        {
            case OpenIncident open when !Incident.Opened:
                Open(open, outgoing);
                break;
            case OpenIncident open:
                Attach(open.Occurrence, open.BlastRadius, open.RootProduct, open.Reason, outgoing);
                break;
            case AttachSymptom attach when Incident.Opened:
                Attach(attach.Occurrence, attach.WidenTo, attach.RootProduct, attach.Reason, outgoing);
                break;
            case AttachSymptom:
                throw new InvalidOperationException($"Incident {IncidentId} received a symptom before it was opened; retrying.");
            case SymptomCleared cleared:
                AddTimeline(message.At, "symptom-resolved", $"symptom {cleared.OccurrenceId} resolved", null);
                break;
            default:
                throw new InvalidDataException($"Incident {IncidentId} cannot apply {message.GetType().Name}.");
        }

        outgoing.Add(Indexed(time.GetUtcNow()));
        await messenger.SendAsync(outgoing, cancellationToken);
        await state.WriteStateAsync(cancellationToken);

        // The reminder first: after a crash before the pages went out, it wakes the incident, which sends them.
        await ArrangeAckClockAsync();
        await DeliverPendingAsync(cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        ChangeAsync(() => ReceiveReminderCoreAsync(reminderName, status));

    private async Task ReceiveReminderCoreAsync(string reminderName, TickStatus status)
    {
        if (reminderName != AckReminder)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (Incident.State != IncidentStates.Open || Incident.AckDeadline is not { } deadline)
        {
            await StopAckClockAsync();
            return;
        }

        if (deadline > now)
        {
            await ArrangeAckClockAsync();
            return;
        }

        var chain = EscalationChain();
        var outgoing = new List<Outgoing>();
        Incident.EscalationStep++;
        if (Incident.EscalationStep < chain.Count)
        {
            var (kind, recipient) = chain[Incident.EscalationStep];
            AddTimeline(now, "escalated", $"not acknowledged within {FormatDuration(options.Value.AckDeadline(Incident.Severity))}: escalated to {kind} {recipient}", null);
            Page(kind, recipient, "escalated", now, outgoing);
            Incident.AckDeadline = now + options.Value.AckDeadline(Incident.Severity);
        }
        else
        {
            AddTimeline(now, "escalation-exhausted", "not acknowledged and no further escalation step is configured", null);
            Incident.AckDeadline = null;
        }

        outgoing.Add(Indexed(now));
        await messenger.SendAsync(outgoing);
        await state.WriteStateAsync();
        await ArrangeAckClockAsync();
        await DeliverPendingAsync(CancellationToken.None);
    }

    private void Open(OpenIncident open, List<Outgoing> outgoing)
    {
        var now = time.GetUtcNow();
        var occurrence = open.Occurrence;
        var snapshot = catalog.Current;
        Incident.Opened = true;
        Incident.OpenedAt = now;
        Incident.BlastRadius = open.BlastRadius;
        Incident.RootProduct = open.RootProduct;
        Incident.Reason = open.Reason;
        Incident.RunId = open.RunId;
        Incident.Products.Add(occurrence.Product);
        if (!Incident.Products.Contains(open.RootProduct) && snapshot.Products.ContainsKey(open.RootProduct))
        {
            Incident.Products.Add(open.RootProduct);
        }

        Incident.Symptoms.Add(occurrence);
        Incident.Severity = SeverityRules.Of(occurrence, snapshot.Products.GetValueOrDefault(occurrence.Product), open.BlastRadius);
        Incident.Title = Title(occurrence);
        AddTimeline(now, "opened", $"{Describe(open.BlastRadius)} {Incident.Severity} incident: {occurrence.Summary} ({Describe(open.Reason)}{(open.Detail is { } d ? ": " + d : "")})", null);
        foreach (var product in Incident.Products)
        {
            outgoing.Add(messenger.To<IPortfolioGrain>(PortfolioGrain.Key, new TailEvent { MessageId = $"{IncidentId}:tail:{product}", At = now, Product = product, Kind = "incident" }));
        }

        PageForRadius(now, outgoing);
        Incident.AckDeadline = Incident.Pages.Count > 0 ? now + options.Value.AckDeadline(Incident.Severity) : null;
    }

    private void Attach(SymptomOccurrence occurrence, BlastRadius? widenTo, string? root, EscalationReason reason, List<Outgoing> outgoing)
    {
        var now = time.GetUtcNow();
        if (Incident.Symptoms.Any(s => s.OccurrenceId == occurrence.OccurrenceId))
        {
            return;
        }

        Incident.Symptoms.Add(occurrence);
        if (!Incident.Products.Contains(occurrence.Product))
        {
            Incident.Products.Add(occurrence.Product);
        }

        AddTimeline(now, "symptom-attached", $"{occurrence.Product}: {occurrence.Summary} ({Describe(reason)})", null);
        Incident.Title = Title(Incident.Symptoms[0]);
        if (widenTo is { } radius && radius != Incident.BlastRadius && Incident.State != IncidentStates.Resolved)
        {
            Incident.BlastRadius = radius;
            Incident.RootProduct = root ?? Incident.RootProduct;
            if (!Incident.Products.Contains(Incident.RootProduct) && catalog.Current.Products.ContainsKey(Incident.RootProduct))
            {
                Incident.Products.Add(Incident.RootProduct);
            }

            var severity = (Severity)Math.Min((int)Incident.Severity, (int)Severity.Sev2);
            Incident.Severity = severity;
            Incident.Title = Title(Incident.Symptoms[0]);
            AddTimeline(now, "widened", $"blast radius widened to {Describe(radius)} (common cause: {Incident.RootProduct}); {severity}", null);
            PageForRadius(now, outgoing);
            if (Incident.State == IncidentStates.Open)
            {
                var deadline = now + options.Value.AckDeadline(severity);
                Incident.AckDeadline = Incident.AckDeadline is { } existing && existing < deadline ? existing : deadline;
            }
        }
        else if (Incident.BlastRadius != BlastRadius.Product && Incident.State != IncidentStates.Resolved)
        {
            InformBuilders(now, outgoing);
        }
    }

    private void PageForRadius(DateTimeOffset now, List<Outgoing> outgoing)
    {
        var snapshot = catalog.Current;
        if (snapshot.Products.GetValueOrDefault(Incident.RootProduct) is { Lifecycle: Lifecycle.Retired })
        {
            AddTimeline(now, "not-paged", $"{Incident.RootProduct} is retired: nobody is paged", null);
            return;
        }

        if (Incident.BlastRadius == BlastRadius.Product)
        {
            if (OwnerOf(Incident.RootProduct) is { } owner)
            {
                Page("builder", owner, "paged", now, outgoing);
            }
            else
            {
                AddTimeline(now, "not-paged", $"{Incident.RootProduct} has no owner in the catalog", null);
            }

            return;
        }

        if (snapshot.EscalationTierFor(Incident.RootProduct) is { } tier && !Incident.Pages.Any(p => p.RecipientKind == "tier" && p.Recipient == tier))
        {
            Page("tier", tier, "paged", now, outgoing);
        }

        InformBuilders(now, outgoing);
    }

    private void InformBuilders(DateTimeOffset now, List<Outgoing> outgoing)
    {
        foreach (var owner in Incident.Products.Select(OwnerOf).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!Incident.Pages.Any(p => p.RecipientKind == "builder" && p.Recipient == owner))
            {
                Page("builder", owner, "informed", now, outgoing);
            }
        }
    }

    private void Page(string kind, string recipient, string reason, DateTimeOffset now, List<Outgoing> outgoing)
    {
        var page = new PageState { RecipientKind = kind, Recipient = recipient, Reason = reason, At = now, Sequence = Incident.Pages.Count + 1 };
        Incident.Pages.Add(page);
        AddTimeline(now, reason, $"{kind} {recipient} {reason}", null);
        var recorded = new PageRecorded
        {
            MessageId = $"{IncidentId}:page:{page.Sequence.ToString(CultureInfo.InvariantCulture)}",
            At = now,
            IncidentId = IncidentId,
            Title = Incident.Title,
            Severity = Incident.Severity,
            Reason = reason,
            Product = Incident.RootProduct,
        };
        outgoing.Add(ToPager(kind, recipient, recorded));
        if (reason != "informed")
        {
            outgoing.Add(messenger.To<IPortfolioGrain>(PortfolioGrain.Key, new TailEvent { MessageId = $"{recorded.MessageId}:tail", At = now, Product = Incident.RootProduct, Kind = "page" }));
        }
    }

    /// <summary>A message to the page book of <paramref name="recipient"/>: an escalation tier when <paramref name="kind"/> is <c>tier</c>, else a builder.</summary>
    private Outgoing ToPager(string kind, string recipient, DomainMessage message) =>
        kind == "tier" ? messenger.To<IEscalationTierGrain>(recipient, message) : messenger.To<IBuilderGrain>(recipient, message);

    private async Task DeliverPendingAsync(CancellationToken cancellationToken)
    {
        var pending = Incident.Pages.Where(p => !p.Sent).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var snapshot = catalog.Current;
        foreach (var page in pending)
        {
            var channels = page.RecipientKind == "tier"
                ? snapshot.Tiers.GetValueOrDefault(page.Recipient)?.Channels
                : snapshot.Builders.GetValueOrDefault(page.Recipient)?.Channels;
            var notice = new PageNotice
            {
                IncidentId = IncidentId,
                Title = Incident.Title,
                Severity = Incident.Severity,
                BlastRadius = Incident.BlastRadius,
                Reason = page.Reason,
                Recipient = page.Recipient,
                Product = Incident.RootProduct,
                Products = [.. Incident.Products],
                Summary = Incident.Symptoms.Count > 0 ? Incident.Symptoms[0].Summary : null,
                Labels = Incident.Symptoms.Count > 0 ? Incident.Symptoms[0].Labels : new Dictionary<string, string>(),
                Annotations = Incident.Symptoms.Count > 0 ? Incident.Symptoms[0].Annotations : new Dictionary<string, string>(),
                Link = options.Value.PublicLink($"/api/v1/incidents/{IncidentId}"),
                At = page.At,
                AckDeadline = Incident.AckDeadline,
            };
            var channelList = channels ?? [];
            for (var i = 0; i < channelList.Count; i++)
            {
                var key = $"{IncidentId}:page:{page.Sequence.ToString(CultureInfo.InvariantCulture)}:{i.ToString(CultureInfo.InvariantCulture)}";
                page.Deliveries.Add(await notifier.SendAsync(channelList[i], notice, key, cancellationToken));
            }

            page.Sent = true;
            Instruments?.RecordPage(page.Reason);
        }

        await state.WriteStateAsync(cancellationToken);
    }

    private async Task ArrangeAckClockAsync()
    {
        if (Incident.State == IncidentStates.Open && Incident.AckDeadline is { } deadline)
        {
            var due = deadline - time.GetUtcNow();
            await RegisterOrUpdateReminder(AckReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, TimeSpan.FromMinutes(1));
        }
        else
        {
            await StopAckClockAsync();
        }
    }

    private async Task StopAckClockAsync()
    {
        if (await GetReminder(AckReminder) is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    /// <summary>Who is paged at each step: the builder, then its escalation tier and that tier's successors.</summary>
    private List<(string Kind, string Name)> EscalationChain()
    {
        var snapshot = catalog.Current;
        var chain = new List<(string, string)>();
        string? tier;
        if (Incident.BlastRadius == BlastRadius.Product && OwnerOf(Incident.RootProduct) is { } owner)
        {
            chain.Add(("builder", owner));
            tier = snapshot.Builders.GetValueOrDefault(owner)?.EscalatesTo ?? snapshot.EscalationTierFor(Incident.RootProduct);
        }
        else
        {
            tier = snapshot.EscalationTierFor(Incident.RootProduct);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (tier is not null && seen.Add(tier))
        {
            chain.Add(("tier", tier));
            tier = snapshot.Tiers.GetValueOrDefault(tier)?.Next;
        }

        return chain;
    }

    private string? OwnerOf(string product) => catalog.Current.Products.GetValueOrDefault(product)?.Owner;

    private string Title(SymptomOccurrence first) => Incident.BlastRadius switch
    {
        BlastRadius.Product => $"{first.Product}: {first.Summary}",
        _ when Incident.Products.Count(p => p != Incident.RootProduct) is var affected and > 0 =>
            $"{Incident.RootProduct} ({Describe(Incident.BlastRadius)}, {affected} affected): {first.Summary}",
        _ => $"{Incident.RootProduct} ({Describe(Incident.BlastRadius)}): {first.Summary}",
    };

    private Outgoing Indexed(DateTimeOffset now) =>
        messenger.To<IIncidentIndexGrain>(IncidentIndexGrain.Key, new IncidentIndexed
        {
            MessageId = $"{IncidentId}:indexed:{Incident.Timeline.Count.ToString(CultureInfo.InvariantCulture)}:{Incident.State}",
            At = now,
            Summary = Summary(),
        });

    private void AddTimeline(DateTimeOffset at, string kind, string text, string? actor) =>
        Incident.Timeline.Add(new TimelineEntry(at, kind, text, actor));

    private void RequireOpened()
    {
        if (!Incident.Opened)
        {
            throw new KeyNotFoundException($"Incident {IncidentId} does not exist.");
        }
    }

    private IncidentSummary Summary() => new()
    {
        IncidentId = IncidentId,
        Title = Incident.Title,
        State = Incident.State,
        Severity = Incident.Severity,
        BlastRadius = Incident.BlastRadius,
        RootProduct = Incident.RootProduct,
        Products = [.. Incident.Products],
        OpenedAt = Incident.OpenedAt,
        AcknowledgedAt = Incident.AcknowledgedAt,
        ResolvedAt = Incident.ResolvedAt,
    };

    private IncidentView View() => new()
    {
        Summary = Summary(),
        Symptoms = [.. Incident.Symptoms],
        Timeline = [.. Incident.Timeline],
        Pages = [.. Incident.Pages.Select(p => p.ToView())],
        AckDeadline = Incident.AckDeadline,
        EscalationStep = Incident.EscalationStep,
        AcknowledgedBy = Incident.AcknowledgedBy,
        ResolvedBy = Incident.ResolvedBy,
        Fix = Incident.Fix,
        Reason = Incident.Reason,
        RunId = Incident.RunId,
    };

    private static string Describe(BlastRadius radius) => radius switch
    {
        BlastRadius.Product => "contained",
        BlastRadius.CrossProduct => "cross-product",
        _ => "platform",
    };

    private static string Describe(EscalationReason reason) => reason switch
    {
        EscalationReason.NoRunbook => "no runbook matched",
        EscalationReason.RemediationFailed => "remediation failed",
        EscalationReason.NotVerified => "remediation did not verify",
        EscalationReason.GuardRail => "a guard rail stopped the runbook",
        _ => "the owner rejected the proposed run",
    };

    private static string FormatDuration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalSeconds:0} s";
}
