using Microsoft.Extensions.Options;
using Ops.Contracts.Catalog;
using Ops.Contracts.Grains;
using Ops.Grains.Hosting;
using Ops.Grains.Messaging;
using Ops.Runtime;

namespace Ops.Grains.Correlation;

/// <summary>
/// Escalation by blast radius. Every symptom an ops agent could not absorb comes here and joins exactly one
/// incident: the open incident that already has it (repeats never make a second incident); a
/// <see cref="BlastRadius.Platform"/> incident when the product is a shared platform component (catalog type
/// platform); an open systemic incident rooted at one of its product's dependencies; a
/// <see cref="BlastRadius.CrossProduct"/> incident (widening an open product incident in place) when enough
/// products hurt within the correlation window that share one dependency (the dependency itself counts); else
/// the product's open incident of the window, or a new contained one. Incident ids derive from the first symptom,
/// so a replayed decision addresses the same incident.
/// </summary>
[GrainType("correlation")]
public sealed class CorrelationGrain(
    [PersistentState("correlation")] IPersistentState<CorrelationState> state,
    DomainMessenger messenger,
    ICatalogView catalog,
    TimeProvider time,
    IOptions<OpsLoopOptions> options) : Grain, ICorrelationGrain, IInboxRecipient
{
    /// <summary>The singleton's key.</summary>
    public const string Key = "global";

    private const int MaxRecent = 10_000;

    public Task<IReadOnlyList<string>> OpenIncidents() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Open.Select(i => i.IncidentId)]);

    public async Task ReceiveInboxRecordAsync(InboxRecord record, CancellationToken cancellationToken)
    {
        var message = InboxMessages.Decode(record);
        if (state.State.Ledger.SeenBefore(message.MessageId))
        {
            return;
        }

        var outgoing = message switch
        {
            NovelSymptom novel => Correlate(novel),
            SymptomCleared cleared => Forward(cleared),
            IncidentClosed closed => Close(closed),
            _ => throw new InvalidDataException($"Correlation cannot apply {message.GetType().Name}."),
        };
        await messenger.SendAsync(outgoing, cancellationToken);
        await state.WriteStateAsync(cancellationToken);
    }

    private List<Outgoing> Correlate(NovelSymptom novel)
    {
        var now = time.GetUtcNow();
        var window = options.Value.CorrelationWindow;
        var occurrence = novel.Occurrence;
        var product = occurrence.Product;
        var snapshot = catalog.Current;
        var correlation = state.State;
        correlation.Recent.RemoveAll(r => r.At < now - window);
        var symptomKey = $"{product}|{occurrence.Fingerprint}";
        correlation.Recent.Add(new RecentSymptom { Product = product, SymptomKey = symptomKey, At = now });
        if (correlation.Recent.Count > MaxRecent)
        {
            correlation.Recent.RemoveAt(0);
        }

        // 1. The same symptom is already part of an open incident: attach (no new incident, no new page).
        if (correlation.Open.FirstOrDefault(i => i.SymptomKeys.Contains(symptomKey)) is { } same)
        {
            return [Attach(same, novel, product, null, null)];
        }

        // 2. A shared platform component itself: one platform incident rooted at it.
        if (snapshot.Products.GetValueOrDefault(product)?.Kind == ProductKind.Platform)
        {
            if (correlation.Open.FirstOrDefault(i => i.Root == product && i.Radius != BlastRadius.Product) is { } platform)
            {
                return [Attach(platform, novel, product, null, null)];
            }

            if (correlation.Open.FirstOrDefault(i => i.Root == product && i.Radius == BlastRadius.Product && i.OpenedAt >= now - window) is { } contained)
            {
                return [Attach(contained, novel, product, BlastRadius.Platform, product)];
            }

            return [Open(novel, BlastRadius.Platform, product, now)];
        }

        // 3. One of its dependencies already has a systemic incident: it is one more affected product.
        var dependencies = snapshot.TransitiveDependencies(product);
        if (correlation.Open.FirstOrDefault(i => i.Radius != BlastRadius.Product && dependencies.Contains(i.Root)) is { } systemic)
        {
            return [Attach(systemic, novel, product, null, null)];
        }

        // 4. Several dependents of one component hurting at once: one cross-product incident for the common cause.
        // Each product's dependency closure is computed once for this decision, not once per recent symptom.
        var closures = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal) { [product] = dependencies };
        IReadOnlySet<string> ClosureOf(string p) =>
            closures.TryGetValue(p, out var closure) ? closure : closures[p] = snapshot.TransitiveDependencies(p);
        var dependents = dependencies.ToDictionary(d => d, d => snapshot.Products.Keys.Count(p => p != d && ClosureOf(p).Contains(d)), StringComparer.Ordinal);
        foreach (var dependency in dependencies.OrderByDescending(d => dependents[d]).ThenBy(d => d, StringComparer.Ordinal))
        {
            var hurting = correlation.Recent
                .Select(r => r.Product)
                .Where(p => p == product || p == dependency || ClosureOf(p).Contains(dependency))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (hurting.Count < options.Value.CrossProductThreshold)
            {
                continue;
            }

            var existing = correlation.Open
                .Where(i => i.Radius == BlastRadius.Product && i.OpenedAt >= now - window && hurting.Contains(i.Root))
                .OrderBy(i => i.OpenedAt)
                .FirstOrDefault();
            if (existing is not null)
            {
                return [Attach(existing, novel, product, BlastRadius.CrossProduct, dependency)];
            }

            return [Open(novel, BlastRadius.CrossProduct, dependency, now)];
        }

        // 5. Contained: the product's incident of this window, or a new one.
        if (correlation.Open.FirstOrDefault(i => i.Radius == BlastRadius.Product && i.Root == product && i.OpenedAt >= now - window) is { } recent)
        {
            return [Attach(recent, novel, product, null, null)];
        }

        return [Open(novel, BlastRadius.Product, product, now)];
    }

    private Outgoing Open(NovelSymptom novel, BlastRadius radius, string root, DateTimeOffset now)
    {
        var incidentId = DerivedId.From("inc-", novel.MessageId);
        state.State.Open.Add(new OpenIncidentEntry
        {
            IncidentId = incidentId,
            Root = root,
            Radius = radius,
            OpenedAt = now,
            Products = [novel.Occurrence.Product],
            SymptomKeys = [$"{novel.Occurrence.Product}|{novel.Occurrence.Fingerprint}"],
        });
        return messenger.To<IIncidentGrain>(incidentId, new OpenIncident
        {
            MessageId = $"{novel.MessageId}:open",
            At = now,
            Occurrence = novel.Occurrence,
            BlastRadius = radius,
            RootProduct = root,
            Reason = novel.Reason,
            Detail = novel.Detail,
            RunId = novel.RunId,
        });
    }

    private Outgoing Attach(OpenIncidentEntry incident, NovelSymptom novel, string product, BlastRadius? widenTo, string? root)
    {
        if (!incident.Products.Contains(product))
        {
            incident.Products.Add(product);
        }

        var symptomKey = $"{product}|{novel.Occurrence.Fingerprint}";
        if (!incident.SymptomKeys.Contains(symptomKey))
        {
            incident.SymptomKeys.Add(symptomKey);
        }

        if (widenTo is { } radius)
        {
            incident.Radius = radius;
            incident.Root = root ?? incident.Root;
        }

        return messenger.To<IIncidentGrain>(incident.IncidentId, new AttachSymptom
        {
            MessageId = $"{novel.MessageId}:attach",
            At = time.GetUtcNow(),
            Occurrence = novel.Occurrence,
            WidenTo = widenTo,
            RootProduct = root,
            Reason = novel.Reason,
        });
    }

    private List<Outgoing> Forward(SymptomCleared cleared)
    {
        var fingerprint = cleared.OccurrenceId.Split('/') is { Length: >= 3 } parts ? string.Join('/', parts[1..^1]) : "";
        var symptomKey = $"{cleared.Product}|{fingerprint}";

        // A symptom that cleared no longer counts as "hurting at once".
        state.State.Recent.RemoveAll(r => r.SymptomKey == symptomKey);
        return state.State.Open.FirstOrDefault(i => i.SymptomKeys.Contains(symptomKey)) is { } incident
            ? [messenger.To<IIncidentGrain>(incident.IncidentId, cleared)]
            : [];
    }

    private List<Outgoing> Close(IncidentClosed closed)
    {
        if (state.State.Open.FirstOrDefault(i => i.IncidentId == closed.IncidentId) is { } incident)
        {
            // Its symptoms were dealt with: they no longer count towards a new cross-product incident.
            state.State.Recent.RemoveAll(r => incident.SymptomKeys.Contains(r.SymptomKey));
            state.State.Open.Remove(incident);
        }

        return [];
    }
}

/// <summary>Correlation's durable state: open incidents and recent novel symptoms.</summary>
public sealed class CorrelationState
{
    public List<OpenIncidentEntry> Open { get; set; } = [];

    public List<RecentSymptom> Recent { get; set; } = [];

    public MessageLedger Ledger { get; set; } = new();
}

/// <summary>An open incident as correlation sees it.</summary>
public sealed class OpenIncidentEntry
{
    public string IncidentId { get; set; } = "";

    public string Root { get; set; } = "";

    public BlastRadius Radius { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public List<string> Products { get; set; } = [];

    /// <summary><c>product|fingerprint</c> of every symptom in the incident.</summary>
    public List<string> SymptomKeys { get; set; } = [];
}

/// <summary>A novel symptom seen within the correlation window.</summary>
public sealed class RecentSymptom
{
    public string Product { get; set; } = "";

    public string SymptomKey { get; set; } = "";

    public DateTimeOffset At { get; set; }
}
