using Ops.Runtime.Scheduling;

namespace Ops.Runtime.Catalog;

/// <summary>
/// The local activations of one stateless-worker grain id: a message goes to an idle activation, else to a new
/// one while the pool is below its limit, else to the least busy. Never partition-owned, never forwarded.
/// </summary>
internal sealed class StatelessWorkerPool(Silo silo, GrainId grainId, GrainClassInfo grainClass)
{
    private readonly Lock _lock = new();
    private readonly List<Activation> _activations = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _activations.Count;
            }
        }
    }

    public IReadOnlyList<Activation> Activations
    {
        get
        {
            lock (_lock)
            {
                return [.. _activations];
            }
        }
    }

    public void Dispatch(GrainMessage message)
    {
        while (true)
        {
            Activation? chosen = null;
            var created = false;
            lock (_lock)
            {
                foreach (var activation in _activations)
                {
                    if (activation.State == ActivationState.Valid && !activation.IsBusy)
                    {
                        chosen = activation;
                        break;
                    }
                }

                if (chosen is null && _activations.Count < grainClass.MaxLocalWorkers)
                {
                    chosen = new Activation(silo, grainId, grainClass, partitionId: -1, birthEpoch: 0);
                    _activations.Add(chosen);
                    created = true;
                }

                chosen ??= _activations.FirstOrDefault(a => a.State <= ActivationState.Valid);
            }

            if (chosen is null)
            {
                // Every activation is deactivating; add a fresh one on the next pass.
                lock (_lock)
                {
                    _activations.RemoveAll(a => a.State >= ActivationState.Deactivating);
                }

                continue;
            }

            if (created)
            {
                chosen.Start();
            }

            if (chosen.TryEnqueue(message) == Activation.EnqueueResult.Accepted)
            {
                return;
            }
        }
    }

    public void Remove(Activation activation)
    {
        lock (_lock)
        {
            _activations.Remove(activation);
        }
    }
}
