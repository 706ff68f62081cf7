using Ops.Runtime.Hosting;
using Ops.Runtime.Storage;

namespace Ops.Runtime.Partitioning;

/// <summary>
/// Acquires, renews and releases this silo's partition leases, and fences itself: a partition is served only
/// while <c>now &lt; t0 + Ttl − SafetyMargin</c>, t0 being when the last successful renewal was sent (monotonic
/// clock). Safety never depends on this class: writes are fenced by the epoch in the database (INV-2, INV-8).
/// </summary>
internal sealed class LeaseManager
{
    private readonly Silo _silo;
    private readonly LeaseOptions _options;
    private readonly TimeProvider _clock;
    private readonly List<IPartitionListener> _listeners = [];
    private readonly Lock _lock = new();

    public LeaseManager(Silo silo, LeaseOptions options, TimeProvider leaseClock)
    {
        _silo = silo;
        _options = options;
        _clock = leaseClock;
    }

    public void AddListener(IPartitionListener listener) => _listeners.Add(listener);

    /// <summary>
    /// Acquires the partitions this silo should own (all of them for now: one silo), retrying until
    /// <see cref="LeaseOptions.StartupTimeout"/>. Throws <see cref="SiloStartupException"/> naming the holders if
    /// it cannot get them.
    /// </summary>
    public async Task AcquireInitialAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.StartupTimeout ?? _options.Ttl + TimeSpan.FromSeconds(5);
        var started = _clock.GetTimestamp();
        while (true)
        {
            await AcquireMissingAsync(cancellationToken);
            if (_silo.Partitions.OwnedCount == _silo.Partitions.Count)
            {
                return;
            }

            if (_clock.GetElapsedTime(started) >= timeout)
            {
                throw new SiloStartupException(await DescribeHoldersAsync(cancellationToken));
            }

            await Task.Delay(_options.AcquireInterval, _clock, cancellationToken);
        }
    }

    /// <summary>Renews held leases every <see cref="LeaseOptions.RenewInterval"/> and acquires missing ones.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var lastAcquire = _clock.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(_options.RenewInterval, _clock, stopping);
            await RenewAsync(stopping);
            if (_clock.GetElapsedTime(lastAcquire) >= _options.AcquireInterval && _silo.Partitions.OwnedCount < _silo.Partitions.Count)
            {
                lastAcquire = _clock.GetTimestamp();
                await AcquireMissingAsync(stopping);
            }

            try
            {
                await _silo.Store.HeartbeatAsync(_silo.SiloId, stopping);
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                _silo.Log.HeartbeatFailed(exception);
            }
        }
    }

    /// <summary>A fenced write found the partition taken: stop serving it now if the epoch is still ours.</summary>
    public void ReportOwnershipLost(int partitionId, long epoch)
    {
        lock (_lock)
        {
            var current = _silo.Partitions.Get(partitionId);
            if (current.Status == PartitionStatus.NotOwned || current.Epoch != epoch)
            {
                return;
            }

            _silo.Partitions.Set(partitionId, PartitionOwnership.NotOwned);
        }

        OnLost(partitionId, epoch);
    }

    /// <summary>
    /// Graceful release of every held partition: stop admitting work, let listeners flush under the epoch
    /// (activations are deactivated by the caller first), then clear the owner so a successor needs no TTL wait.
    /// </summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        var held = _silo.Partitions.HeldLeases();
        foreach (var lease in held)
        {
            _silo.Partitions.Set(lease.PartitionId, _silo.Partitions.Get(lease.PartitionId) with { Status = PartitionStatus.Draining });
        }

        foreach (var lease in held)
        {
            foreach (var listener in _listeners)
            {
                await listener.OnPartitionDrainingAsync(lease.PartitionId, lease.Epoch);
            }
        }

        try
        {
            await _silo.Store.ReleaseAsync(_silo.SiloId, held, cancellationToken);
            _silo.Log.PartitionsReleased(held.Count);
        }
        catch (Exception exception)
        {
            _silo.Log.ReleaseFailed(exception);
        }

        foreach (var lease in held)
        {
            _silo.Partitions.Set(lease.PartitionId, PartitionOwnership.NotOwned);
        }
    }

    private async Task AcquireMissingAsync(CancellationToken cancellationToken)
    {
        var missing = new List<int>();
        for (var i = 0; i < _silo.Partitions.Count; i++)
        {
            if (_silo.Partitions.Get(i).Status == PartitionStatus.NotOwned)
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        IReadOnlyList<PartitionLease> acquired;
        var t0 = _clock.GetTimestamp();
        try
        {
            acquired = await _silo.Store.AcquireAsync(_silo.SiloId, missing, _options.Ttl, _silo.Store.IsExclusive, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            _silo.Log.AcquireFailed(exception);
            return;
        }

        var validUntil = ValidUntil(t0);
        foreach (var lease in acquired)
        {
            _silo.Partitions.Set(lease.PartitionId, new PartitionOwnership(PartitionStatus.Owned, lease.Epoch, validUntil));
        }

        if (acquired.Count > 0)
        {
            _silo.Log.PartitionsAcquired(acquired.Count, Ranges(acquired.Select(l => l.PartitionId)));
            _silo.Instruments.LeasesAcquired(acquired.Count);
        }

        foreach (var lease in acquired)
        {
            foreach (var listener in _listeners)
            {
                listener.OnPartitionAcquired(lease.PartitionId, lease.Epoch);
            }
        }
    }

    private async Task RenewAsync(CancellationToken stopping)
    {
        var held = _silo.Partitions.HeldLeases();
        if (held.Count == 0)
        {
            return;
        }

        var t0 = _clock.GetTimestamp();
        IReadOnlySet<int> renewed;
        try
        {
            // A renewal that cannot answer within the margin is useless: the silo fences itself meanwhile.
            using var timeout = new CancellationTokenSource(_options.SafetyMargin, _clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
            renewed = await _silo.Store.RenewAsync(_silo.SiloId, held, _options.Ttl, linked.Token);
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            _silo.Log.RenewFailed(exception, _options.SafetyMargin);
            return;
        }

        var validUntil = ValidUntil(t0);
        foreach (var lease in held)
        {
            if (renewed.Contains(lease.PartitionId))
            {
                lock (_lock)
                {
                    var current = _silo.Partitions.Get(lease.PartitionId);
                    if (current.Status != PartitionStatus.NotOwned && current.Epoch == lease.Epoch)
                    {
                        _silo.Partitions.Set(lease.PartitionId, current with { ValidUntil = validUntil });
                    }
                }
            }
            else
            {
                ReportOwnershipLost(lease.PartitionId, lease.Epoch);
            }
        }
    }

    private void OnLost(int partitionId, long epoch)
    {
        _silo.Log.PartitionLost(partitionId, epoch);
        _silo.Instruments.LeaseLost();
        foreach (var listener in _listeners)
        {
            listener.OnPartitionLost(partitionId, epoch);
        }

        _ = _silo.Catalog.DeactivatePartitionAsync(partitionId, new DeactivationReason(DeactivationReasonCode.PartitionLost, $"partition {partitionId} lost (epoch {epoch})"));
    }

    private long ValidUntil(long t0) =>
        t0 + (long)((_options.Ttl - _options.SafetyMargin).TotalSeconds * _clock.TimestampFrequency);

    private async Task<string> DescribeHoldersAsync(CancellationToken cancellationToken)
    {
        var partitions = await _silo.Store.ReadPartitionsAsync(cancellationToken);
        var silos = (await _silo.Store.ReadSilosAsync(cancellationToken)).ToDictionary(s => s.SiloId);
        var holders = partitions
            .Where(p => p.OwnerSilo is { } owner && owner != _silo.SiloId && p.LeaseRemaining > TimeSpan.Zero)
            .GroupBy(p => p.OwnerSilo!.Value)
            .Select(g => silos.TryGetValue(g.Key, out var s)
                ? $"silo '{s.SiloName}' ({g.Key}, pid {s.ProcessId} on {s.Host}) holds {g.Count()} partitions"
                : $"silo {g.Key} holds {g.Count()} partitions")
            .ToList();
        var owned = _silo.Partitions.OwnedCount;
        return holders.Count == 0
            ? $"The silo acquired {owned} of {_silo.Partitions.Count} partitions before Leases:StartupTimeout; the database did not grant the rest. Check the database's health and retry."
            : $"The silo acquired {owned} of {_silo.Partitions.Count} partitions: {string.Join("; ", holders)} with live leases. Another silo is serving cluster '{_silo.Options.ClusterId}' from this database; stop it, or give this silo another Silo:ClusterId or database.";
    }

    private static string Ranges(IEnumerable<int> ids)
    {
        var sorted = ids.Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var start = sorted[i];
            var end = start;
            while (i + 1 < sorted.Count && sorted[i + 1] == end + 1)
            {
                end = sorted[++i];
            }

            parts.Add(start == end ? $"{start}" : $"{start}-{end}");
            i++;
        }

        return string.Join(",", parts);
    }
}
