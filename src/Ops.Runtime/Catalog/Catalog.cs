using System.Collections.Concurrent;
using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Catalog;

/// <summary>
/// The silo's activations, one per grain id (INV-5), and the dispatch of messages to them. An activation is
/// created only while the silo serves the grain's partition, and records the lease epoch it was born under.
/// </summary>
internal sealed class Catalog
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly ConcurrentDictionary<GrainId, StatelessWorkerPool> _workers = new();
    private readonly Silo _silo;

    public Catalog(Silo silo)
    {
        _silo = silo;
    }

    /// <summary>The number of activations (stateless workers included).</summary>
    public int Count => _activations.Count + _workers.Values.Sum(w => w.Count);

    /// <summary>
    /// Delivers <paramref name="message"/> to the activation of <paramref name="target"/>, creating it if needed.
    /// Fails the message with <see cref="PartitionUnavailableException"/> if the silo does not serve the grain's
    /// partition now, and waits for a deactivating activation to finish before creating its successor.
    /// </summary>
    public void Dispatch(GrainId target, GrainMessage message)
    {
        var grainClass = _silo.Registry.FindClass(target.Type);
        if (grainClass is null)
        {
            message.Fail(new InvalidOperationException($"This silo hosts no grain class of type '{target.Type}' (grain {target})."));
            return;
        }

        Dispatch(target, grainClass, message);
    }

    /// <summary>Delivers a message whose grain class the caller already knows (grain references do).</summary>
    public void Dispatch(GrainId target, GrainClassInfo grainClass, GrainMessage message)
    {
        if (!_silo.IsAcceptingMessages)
        {
            message.Fail(new SiloUnavailableException());
            return;
        }

        if (grainClass.IsStatelessWorker)
        {
            _workers.GetOrAdd(target, static (id, state) => new StatelessWorkerPool(state.Silo, id, state.Class), (Silo: _silo, Class: grainClass))
                .Dispatch(message);
            return;
        }

        var partition = _silo.Partitions.GetPartition(target);
        while (true)
        {
            if (!_silo.Partitions.TryGetServingEpoch(partition, out var epoch, out var reason))
            {
                if (TryReroute(target, grainClass, message, partition, reason))
                {
                    return;
                }

                message.Fail(new PartitionUnavailableException(partition, reason));
                return;
            }

            if (_activations.TryGetValue(target, out var activation))
            {
                if (activation.BirthEpoch != epoch)
                {
                    // Born under an earlier lease of this partition: it must go before a new one is created.
                    _ = activation.DeactivateAsync(new DeactivationReason(DeactivationReasonCode.PartitionLost, $"partition {partition} was re-acquired under epoch {epoch}"));
                    RetryAfter(activation, target, message);
                    return;
                }

                if (activation.TryEnqueue(message) == Activation.EnqueueResult.Accepted)
                {
                    return;
                }

                RetryAfter(activation, target, message);
                return;
            }

            if (_silo.Status == SiloLifecycleStatus.Stopping)
            {
                if (TryReroute(target, grainClass, message, partition, "the silo is stopping"))
                {
                    return;
                }

                message.Fail(new SiloUnavailableException("The silo is stopping and creates no new activations."));
                return;
            }

            var created = new Activation(_silo, target, grainClass, partition, epoch);
            if (_activations.TryAdd(target, created))
            {
                created.Start();
                created.TryEnqueue(message);
                return;
            }
        }
    }

    /// <summary>
    /// A call this silo cannot serve goes to the router (forward to the owner, or wait for one) when the silo is part
    /// of a cluster, unless it was itself forwarded here: the receiving silo never forwards again.
    /// </summary>
    private bool TryReroute(GrainId target, GrainClassInfo grainClass, GrainMessage message, int partition, string reason)
    {
        if (message is not Messaging.GrainCall { Forwarded: false, Started: false } call || _silo.Router is not { } router)
        {
            return false;
        }

        router.Route(target, grainClass, call, partition, reason);
        return true;
    }

    /// <summary>Removes a finished activation (only that exact instance).</summary>
    public void Remove(Activation activation)
    {
        if (activation.PartitionId < 0)
        {
            if (_workers.TryGetValue(activation.GrainId, out var pool))
            {
                pool.Remove(activation);
            }

            return;
        }

        _activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.GrainId, activation));
    }

    /// <summary>The activation of <paramref name="grainId"/> on this silo, if any (tests and diagnostics).</summary>
    public Activation? Find(GrainId grainId) => _activations.GetValueOrDefault(grainId);

    /// <summary>All activations (a snapshot).</summary>
    public IEnumerable<Activation> All() => _activations.Values.Concat(_workers.Values.SelectMany(w => w.Activations));

    /// <summary>Deactivates every activation of <paramref name="partitionId"/> and waits for them to finish.</summary>
    public Task DeactivatePartitionAsync(int partitionId, DeactivationReason reason) =>
        Task.WhenAll(_activations.Values.Where(a => a.PartitionId == partitionId).Select(a => a.DeactivateAsync(reason)).ToList());

    /// <summary>Deactivates every activation (graceful shutdown) and waits for them to finish.</summary>
    public Task DeactivateAllAsync(DeactivationReason reason) =>
        Task.WhenAll(All().Select(a => a.DeactivateAsync(reason)).ToList());

    /// <summary>Abandons every activation without running their deactivation (silo kill).</summary>
    public void AbandonAll(Exception reason)
    {
        foreach (var activation in All().ToList())
        {
            activation.Abandon(reason);
        }

        _activations.Clear();
        _workers.Clear();
    }

    /// <summary>Collects idle activations; returns how many began deactivating.</summary>
    public int CollectIdle(long now, TimeSpan defaultAge)
    {
        var collected = 0;
        foreach (var activation in All())
        {
            if (activation.TryCollectIfIdle(now, defaultAge))
            {
                collected++;
            }
        }

        return collected;
    }

    /// <summary>Answers every caller whose deadline has passed.</summary>
    public void ExpireDeadlines(long now)
    {
        foreach (var activation in All())
        {
            activation.ExpireDeadlines(now);
        }
    }

    private void RetryAfter(Activation activation, GrainId target, GrainMessage message) =>
        activation.WhenDeactivated.ContinueWith(
            static (_, state) =>
            {
                var (catalog, id, m) = ((Catalog, GrainId, GrainMessage))state!;
                catalog.Dispatch(id, m);

            },
            (this, target, message),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
}
