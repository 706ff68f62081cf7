using Ops.Runtime.Cluster;
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
    private readonly ClusterOptions _cluster;
    private readonly TimeProvider _clock;
    private readonly List<IPartitionListener> _listeners = [];
    private readonly Lock _lock = new();
    private readonly Random _random = new();
    private readonly Dictionary<int, long> _recentlyReleased = [];
    private Task _handoff = Task.CompletedTask;
    private int _surplusRounds;
    private int _rounds;
    private volatile bool _drainingAll;

    public LeaseManager(Silo silo, LeaseOptions options, ClusterOptions cluster, TimeProvider leaseClock)
    {
        _silo = silo;
        _options = options;
        _cluster = cluster;
        _clock = leaseClock;
    }

    /// <summary>Membership liveness window (database clock): <see cref="ClusterOptions.LiveWithin"/> or the lease TTL.</summary>
    public TimeSpan LiveWithin => _cluster.LiveWithin ?? _options.Ttl;

    /// <summary>The last rebalance plan (null before the first round, and on an exclusive store).</summary>
    public RebalancePlan? LastPlan { get; private set; }

    /// <summary>Set when the silo drains itself (graceful stop, or the drain endpoint): it acquires nothing more.</summary>
    public bool DrainingAll => _drainingAll;

    public void AddListener(IPartitionListener listener) => _listeners.Add(listener);

    /// <summary>
    /// Acquires the partitions this silo should own at start. On an exclusive store (one SQLite silo): all of them,
    /// retrying until <see cref="LeaseOptions.StartupTimeout"/>, then <see cref="SiloStartupException"/> naming the
    /// holders. On a shared store (a cluster): joins, taking free partitions; its share follows by rebalancing.
    /// </summary>
    public async Task AcquireInitialAsync(CancellationToken cancellationToken)
    {
        if (!_silo.Store.IsExclusive)
        {
            await JoinAsync(cancellationToken);
            return;
        }

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
            await _silo.WhilePausedAsync(stopping);
            await RenewAsync(stopping);
            if (_silo.Store.IsExclusive && _clock.GetElapsedTime(lastAcquire) >= _options.AcquireInterval && _silo.Partitions.OwnedCount < _silo.Partitions.Count)
            {
                lastAcquire = _clock.GetTimestamp();
                await AcquireMissingAsync(stopping);
            }

            await HeartbeatAsync(stopping);
        }
    }

    /// <summary>
    /// Shared store: acquire free partitions up to this silo's share (never a live lease) and return once it holds
    /// ⌊N/S⌋ or after <see cref="ClusterOptions.JoinTimeout"/>: the rest arrives by hand-off or lease expiry while
    /// the silo already serves, and readiness tells whether it holds its share.
    /// </summary>
    private async Task JoinAsync(CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var renewed = started;
        while (true)
        {
            try
            {
                var plan = await RebalanceOnceAsync(allowHandoff: false, cancellationToken);
                if (_silo.Partitions.OwnedCount >= plan.Low)
                {
                    break;
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                _silo.Log.RebalanceFailed(exception);
            }

            if (_clock.GetElapsedTime(started) >= _cluster.JoinTimeout)
            {
                break;
            }

            await Task.Delay(_options.AcquireInterval < _options.RenewInterval ? _options.AcquireInterval : _options.RenewInterval, _clock, cancellationToken);

            // The renewal loop starts only when the join is over, which may take longer than a lease: renew what was
            // taken so far (and keep the membership heartbeat going), or it expires and another joining silo takes it.
            if (_clock.GetElapsedTime(renewed) >= _options.RenewInterval)
            {
                renewed = _clock.GetTimestamp();
                await RenewAsync(cancellationToken);
                await HeartbeatAsync(cancellationToken);
            }
        }

        // The renewal loop's first round comes a RenewInterval from now: renew first if the join's last one is old.
        if (_clock.GetElapsedTime(renewed) >= _options.RenewInterval / 2)
        {
            await RenewAsync(cancellationToken);
        }
    }

    /// <summary>Shared store: every <see cref="ClusterOptions.RebalanceInterval"/>, converge towards this silo's share.</summary>
    public async Task RunRebalanceAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(_cluster.RebalanceInterval, _clock, stopping);
            await _silo.WhilePausedAsync(stopping);
            if (_drainingAll || _silo.Status != SiloLifecycleStatus.Active)
            {
                continue;
            }

            try
            {
                await RebalanceOnceAsync(allowHandoff: true, stopping);
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                _silo.Log.RebalanceFailed(exception);
            }

            if (++_rounds % 10 == 1)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(_cluster.RebalanceInterval + _options.Ttl, _clock);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
                    var (marked, deleted) = await _silo.Store.CleanUpSilosAsync(LiveWithin * 2, _cluster.DeadSiloRetention, linked.Token);
                    if (marked + deleted > 0)
                    {
                        _silo.Log.MembershipCleaned(marked, deleted);
                    }
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    _silo.Log.HeartbeatFailed(exception);
                }
            }
        }
    }

    /// <summary>One round: read the map, acquire free partitions up to the share, maybe hand one off.</summary>
    private async Task<RebalancePlan> RebalanceOnceAsync(bool allowHandoff, CancellationToken cancellationToken)
    {
        var snapshot = await _silo.Map.RefreshAsync(cancellationToken);
        var held = _silo.Partitions.HeldLeases().Select(l => l.PartitionId).ToHashSet();
        var plan = Rebalancer.Plan(snapshot, _silo.SiloId, held, LiveWithin, _random);
        LastPlan = plan;
        if (_drainingAll)
        {
            return plan;
        }

        var now = _clock.GetTimestamp();
        List<int> candidates;
        lock (_recentlyReleased)
        {
            // A partition this silo just handed off is left to the others for a few rounds (no ping-pong).
            foreach (var expired in _recentlyReleased.Where(r => now >= r.Value).Select(r => r.Key).ToList())
            {
                _recentlyReleased.Remove(expired);
            }

            candidates = plan.Acquire.Where(p => !_recentlyReleased.ContainsKey(p)).ToList();
        }

        if (candidates.Count > 0)
        {
            await AcquireAsync(candidates, cancellationToken);
        }

        if (!allowHandoff)
        {
            return plan;
        }

        _surplusRounds = plan.Surplus ? _surplusRounds + 1 : 0;
        if (_surplusRounds >= _cluster.HandoffAfterRounds && _handoff.IsCompleted)
        {
            _surplusRounds = 0;
            var owned = Enumerable.Range(0, _silo.Partitions.Count)
                .Where(p => _silo.Partitions.Get(p).Status == PartitionStatus.Owned)
                .ToList();
            if (owned.Count > 0)
            {
                var reason = $"{_silo.Partitions.OwnedCount} held, share {plan.Low}-{plan.High} over {plan.LiveSilos} live silos";
                var chosen = owned.OrderBy(_ => _random.Next()).Take(plan.HandOff).ToList();
                _handoff = Task.Run(() => Task.WhenAll(chosen.Select(p => HandOffAsync(p, reason, CancellationToken.None))), CancellationToken.None);
            }
        }

        return plan;
    }

    /// <summary>
    /// Cooperative hand-off of one partition: stop admitting work for it, let the inbox consumer commit and the
    /// reminders stop, deactivate its activations (their OnDeactivateAsync writes are still fenced under this epoch),
    /// then release the lease so an under-quota silo acquires it at once under the next epoch.
    /// </summary>
    public async Task HandOffAsync(int partitionId, string reason, CancellationToken cancellationToken)
    {
        PartitionOwnership current;
        lock (_lock)
        {
            current = _silo.Partitions.Get(partitionId);
            if (current.Status != PartitionStatus.Owned)
            {
                return;
            }

            _silo.Partitions.Set(partitionId, current with { Status = PartitionStatus.Draining });
        }

        var started = _clock.GetTimestamp();
        var lease = new PartitionLease(partitionId, current.Epoch);
        _silo.Log.HandingOff(partitionId, current.Epoch, reason);
        await DrainAsync([lease], cancellationToken);
        try
        {
            await _silo.Store.ReleaseAsync(_silo.SiloId, [lease], cancellationToken);
        }
        catch (Exception exception)
        {
            _silo.Log.ReleaseFailed(exception);
        }

        lock (_recentlyReleased)
        {
            _recentlyReleased[partitionId] = _clock.GetTimestamp() + (long)((_cluster.RebalanceInterval * 3).TotalSeconds * _clock.TimestampFrequency);
        }

        Forget(lease);
        _silo.Log.HandedOff(partitionId, current.Epoch, _clock.GetElapsedTime(started));
        _ = _silo.Map.RefreshAsync(CancellationToken.None).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }

    /// <summary>
    /// Drains this whole silo (the drain endpoint): no more acquisitions, every partition handed off. The silo keeps
    /// running, serves nothing, and forwards what it receives.
    /// </summary>
    public async Task DrainAllAsync(CancellationToken cancellationToken)
    {
        _drainingAll = true;

        // Not a member for placement any more: the others count without it and take what it releases.
        await _silo.Store.SetSiloStatusAsync(_silo.SiloId, SiloStatus.ShuttingDown, cancellationToken);
        await _handoff;
        var held = new List<PartitionLease>();
        lock (_lock)
        {
            foreach (var lease in _silo.Partitions.HeldLeases())
            {
                var current = _silo.Partitions.Get(lease.PartitionId);
                _silo.Partitions.Set(lease.PartitionId, current with { Status = PartitionStatus.Draining });
                held.Add(lease);
            }
        }

        await DrainAsync(held, cancellationToken);
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
            Forget(lease);
        }
    }

    private async Task DrainAsync(IReadOnlyList<PartitionLease> leases, CancellationToken cancellationToken)
    {
        foreach (var lease in leases)
        {
            foreach (var listener in _listeners)
            {
                await listener.OnPartitionDrainingAsync(lease.PartitionId, lease.Epoch);
            }
        }

        var deactivations = leases
            .Select(l => _silo.Catalog.DeactivatePartitionAsync(l.PartitionId, new DeactivationReason(DeactivationReasonCode.PartitionHandoff, $"partition {l.PartitionId} is handed off")))
            .ToList();
        try
        {
            await Task.WhenAll(deactivations).WaitAsync(_cluster.DrainTimeout, _clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            foreach (var lease in leases)
            {
                _silo.Log.DrainTimedOut(lease.PartitionId, _cluster.DrainTimeout);
            }
        }
    }

    /// <summary>The partition is released: not served here any more; listeners drop what they kept for it.</summary>
    private void Forget(PartitionLease lease)
    {
        if (!TryClear(lease.PartitionId, lease.Epoch))
        {
            return;
        }

        _silo.Map.Update(lease.PartitionId, null, lease.Epoch, null);
        foreach (var listener in _listeners)
        {
            listener.OnPartitionLost(lease.PartitionId, lease.Epoch);
        }
    }

    /// <summary>Sends the membership heartbeat; a row found Dead or missing (declared dead while cut off) is registered again.</summary>
    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        try
        {
            // Bounded like a renewal: a hanging database must not stop the loop that fences this silo.
            using var timeout = new CancellationTokenSource(_options.SafetyMargin, _clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
            var status = await _silo.Store.HeartbeatAsync(_silo.SiloId, linked.Token);
            if (!_silo.Store.IsExclusive && _silo.Status == SiloLifecycleStatus.Active && !_drainingAll && status is null or SiloStatus.Dead)
            {
                _silo.Log.Reregistering(status?.ToString() ?? "missing");
                await _silo.Store.RegisterSiloAsync(_silo.Registration, linked.Token);
            }
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            _silo.Log.HeartbeatFailed(exception);
        }
    }

    /// <summary>A fenced write found the partition taken: stop serving it now if the epoch is still ours.</summary>
    public void ReportOwnershipLost(int partitionId, long epoch)
    {
        if (TryClear(partitionId, epoch))
        {
            OnLost(partitionId, epoch);
        }
    }

    /// <summary>Marks the partition not owned if this silo still holds it under <paramref name="epoch"/>; false if not (already cleared, or re-acquired since).</summary>
    private bool TryClear(int partitionId, long epoch)
    {
        lock (_lock)
        {
            var current = _silo.Partitions.Get(partitionId);
            if (current.Status == PartitionStatus.NotOwned || current.Epoch != epoch)
            {
                return false;
            }

            _silo.Partitions.Set(partitionId, PartitionOwnership.NotOwned);
            return true;
        }
    }

    /// <summary>Graceful stop begins: no more acquisitions or hand-offs; waits for a hand-off in progress.</summary>
    public async Task BeginStoppingAsync()
    {
        _drainingAll = true;
        await _handoff;
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

        await AcquireAsync(missing, cancellationToken);
    }

    /// <summary>
    /// Tries to acquire <paramref name="partitions"/>: on an exclusive store whatever their state (this process is
    /// the only silo); on a shared store only the unowned or expired ones, never a live lease.
    /// </summary>
    private async Task AcquireAsync(IReadOnlyCollection<int> partitions, CancellationToken cancellationToken)
    {
        IReadOnlyList<PartitionLease> acquired;
        var t0 = _clock.GetTimestamp();
        try
        {
            acquired = await _silo.Store.AcquireAsync(_silo.SiloId, partitions, _options.Ttl, _silo.Store.IsExclusive, cancellationToken);
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
            _silo.Map.Update(lease.PartitionId, _silo.SiloId, lease.Epoch, null);
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
        if (!_silo.Store.IsExclusive)
        {
            // A lease whose last successful renewal was sent more than Ttl ago has expired in the database: another
            // silo may own the partition already. Its activations go now (their in-memory state may be stale); the
            // lease itself is kept for the renewal: if that still succeeds under the same epoch, nobody else took it.
            var now = _clock.GetTimestamp();
            var margin = (long)(_options.SafetyMargin.TotalSeconds * _clock.TimestampFrequency);
            foreach (var lease in _silo.Partitions.HeldLeases())
            {
                if (now >= _silo.Partitions.Get(lease.PartitionId).ValidUntil + margin)
                {
                    _ = _silo.Catalog.DeactivatePartitionAsync(lease.PartitionId, new DeactivationReason(DeactivationReasonCode.PartitionLost, $"the lease of partition {lease.PartitionId} (epoch {lease.Epoch}) expired before it could be renewed"));
                }
            }
        }

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
        _silo.Map.Update(partitionId, null, epoch, null);
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
