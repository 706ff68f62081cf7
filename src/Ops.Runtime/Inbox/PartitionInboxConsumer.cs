using Ops.Runtime.Hosting;
using System.Threading.Channels;
using Ops.Runtime.Storage;

namespace Ops.Runtime.Inbox;

/// <summary>
/// Delivers one owned partition's inbox to the recipient grains: in offset order per grain (a grain's next record
/// is delivered only after the previous one completed), many grains in parallel, with bounded records in flight.
/// The partition's committed offset (every record up to it applied or parked) is advanced in fenced writes under
/// the epoch this consumer was started with; after a crash or hand-off, delivery resumes from it and the grains'
/// cursors skip what was already applied.
/// </summary>
internal sealed class PartitionInboxConsumer
{
    private readonly Silo _silo;
    private readonly InboxOptions _options;

    // Housekeeping (commit cadence, retry back-off) runs on the real clock: it never decides correctness, and a
    // test that moves the grain clock should not have to move it too.
    private readonly TimeProvider _clock = TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<GrainId, Queue<InboxEntry>> _waitingByGrain = [];
    private readonly SortedSet<long> _completedAbove = [];
    private readonly Dictionary<long, int> _attempts = [];
    private readonly Dictionary<long, int> _deferrals = [];
    private long _nextRead;
    private long _highWater;
    private long _lowWater;
    private long _committed;
    private int _inFlight;
    private long _lastCommitAt;
    private long _lastTrimAt;
    private int _generation;
    private bool _positioned;
    private bool _reading;
    private Task _loop = Task.CompletedTask;

    public PartitionInboxConsumer(Silo silo, InboxOptions options, int partitionId, long epoch)
    {
        _silo = silo;
        _options = options;
        PartitionId = partitionId;
        Epoch = epoch;
    }

    public int PartitionId { get; }

    public long Epoch { get; }

    /// <summary>Records appended but not yet applied (inbox lag).</summary>
    public long Lag
    {
        get
        {
            lock (_lock)
            {
                return Math.Max(0, _highWater - _lowWater);
            }
        }
    }

    public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>
    /// Records were just stored (in offset order). A consumer that is caught up takes them as they are, without
    /// reading them back; otherwise it only learns the new high-water mark and reads from the store.
    /// </summary>
    public void OfferAppended(IReadOnlyList<InboxEntry> entries)
    {
        List<InboxEntry>? deliverNow = null;
        lock (_lock)
        {
            _highWater = Math.Max(_highWater, entries[^1].Offset);
            if (_positioned && !_reading && entries[0].Offset == _nextRead && _inFlight + entries.Count <= _options.MaxInFlightPerPartition)
            {
                deliverNow = AcceptLocked(entries);
            }
        }

        if (deliverNow is null)
        {
            _wake.Writer.TryWrite(true);
            return;
        }

        foreach (var entry in deliverNow)
        {
            Deliver(entry);
        }
    }

    /// <summary>Stops delivering. With <paramref name="commit"/>, first records the committed offset (graceful hand-off).</summary>
    public async Task StopAsync(bool commit)
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        if (commit)
        {
            try
            {
                await CommitAsync(CancellationToken.None);
            }
            catch (Exception exception)
            {
                _silo.Log.InboxCommitFailed(exception, PartitionId);
            }
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stop.Token;
        try
        {
            var position = await _silo.Store.ReadPositionAsync(PartitionId, stopping);
            lock (_lock)
            {
                _committed = _lowWater = position.CommittedOffset;
                _nextRead = position.CommittedOffset + 1;
                _highWater = Math.Max(_highWater, position.LastOffset);
                _positioned = true;
            }

            _lastCommitAt = _lastTrimAt = _clock.GetTimestamp();
            while (!stopping.IsCancellationRequested)
            {
                long from;
                int room;
                lock (_lock)
                {
                    from = _nextRead;
                    room = _options.MaxInFlightPerPartition - _inFlight;
                    if (from > _highWater || room <= 0)
                    {
                        from = -1;
                    }
                    else
                    {
                        _reading = true;
                    }
                }

                if (from > 0)
                {
                    IReadOnlyList<InboxEntry> entries;
                    try
                    {
                        entries = await _silo.Store.ReadAsync(PartitionId, from, Math.Min(room, _options.ReadBatchSize), stopping);
                    }
                    catch
                    {
                        lock (_lock)
                        {
                            _reading = false;
                        }

                        throw;
                    }

                    List<InboxEntry> deliverNow;
                    lock (_lock)
                    {
                        _reading = false;
                        if (entries.Count == 0)
                        {
                            // Offsets are gap-free: nothing at 'from' means the high-water mark ran ahead of the store.
                            _highWater = Math.Min(_highWater, from - 1);
                        }

                        deliverNow = AcceptLocked(entries);
                    }

                    foreach (var entry in deliverNow)
                    {
                        Deliver(entry);
                    }

                    if (entries.Count > 0)
                    {
                        continue;
                    }
                }

                await CommitIfDueAsync(stopping);
                await TrimIfDueAsync(stopping);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                wait.CancelAfter(_options.CommitInterval);

                try
                {
                    await _wake.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _silo.Log.InboxConsumerFailed(exception, PartitionId);
            if (!stopping.IsCancellationRequested)
            {
                // Restart from the committed offset after a pause; grain cursors skip what was applied.
                await Task.Delay(_options.RetryBackoff, _clock, CancellationToken.None);
                if (!stopping.IsCancellationRequested)
                {
                    lock (_lock)
                    {
                        // Deliveries of the failed run report into nothing: the new run redelivers from the
                        // committed offset and the grains' cursors skip what was already applied.
                        _generation++;
                        _positioned = false;
                        _reading = false;
                        _waitingByGrain.Clear();
                        _completedAbove.Clear();
                        _attempts.Clear();
                        _deferrals.Clear();
                        _inFlight = 0;
                    }

                    _loop = Task.Run(RunAsync, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>
    /// Takes records at or after the next offset into the per-grain queues; returns those to deliver now (the first
    /// waiting record of each grain that has nothing in flight). Called under the lock.
    /// </summary>
    private List<InboxEntry> AcceptLocked(IReadOnlyList<InboxEntry> entries)
    {
        var deliverNow = new List<InboxEntry>();
        foreach (var entry in entries)
        {
            if (entry.Offset < _nextRead)
            {
                continue;
            }

            _nextRead = entry.Offset + 1;
            _inFlight++;
            if (_waitingByGrain.TryGetValue(entry.Recipient, out var waiting))
            {
                waiting.Enqueue(entry);
            }
            else
            {
                _waitingByGrain[entry.Recipient] = new Queue<InboxEntry>();
                deliverNow.Add(entry);
            }
        }

        return deliverNow;
    }

    private void Deliver(InboxEntry entry)
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        int attempt;
        int generation;
        lock (_lock)
        {
            attempt = _attempts.GetValueOrDefault(entry.Offset) + 1;
            _attempts[entry.Offset] = attempt;
            generation = _generation;
        }

        var record = new InboxRecord(entry.PartitionId, entry.Offset, entry.Kind, entry.Payload, entry.EnqueuedAt, attempt);
        var delivery = new InboxDelivery(record, (delivery, failure) => OnDelivered(entry, generation, failure, refusedBeforeTurn: !delivery.Started))
        {
            Deadline = _silo.Time.GetTimestamp() + (long)(_options.DeliveryTimeout.TotalSeconds * _silo.Time.TimestampFrequency),
        };
        _silo.Catalog.Dispatch(entry.Recipient, delivery);
    }

    private void OnDelivered(InboxEntry entry, int generation, Exception? failure, bool refusedBeforeTurn)
    {
        if (_stop.IsCancellationRequested || generation != Volatile.Read(ref _generation))
        {
            return;
        }

        if (failure is null)
        {
            Complete(entry);
            return;
        }

        int attempts;
        if (refusedBeforeTurn && failure is PartitionUnavailableException or SiloUnavailableException)
        {
            // Refused by this silo before any turn ran: a lease renewal came late (self-fenced until it succeeds),
            // the silo is not accepting messages yet, or the partition is being handed off. If the partition is lost
            // or handed off, this consumer is stopped and the next owner redelivers; otherwise the record must be
            // tried again, or its grain's later records would wait behind it forever. No turn ran, so the refusal
            // does not count towards parking, but it backs off like a failure (a partition can stay unserved for a
            // while, e.g. while the database is down). (The same exceptions thrown by the handler itself, e.g. a
            // message it sent whose owner died mid-append, are ordinary failures below: retried, then parked.)
            int deferrals;
            lock (_lock)
            {
                attempts = _attempts.GetValueOrDefault(entry.Offset);
                _attempts[entry.Offset] = Math.Max(0, attempts - 1);
                deferrals = _deferrals[entry.Offset] = _deferrals.GetValueOrDefault(entry.Offset) + 1;
            }

            _silo.Log.InboxDeliveryDeferred(entry.Recipient, PartitionId, entry.Offset, failure.Message);
            RetryLater(entry, generation, Backoff(deferrals));
            return;
        }

        lock (_lock)
        {
            attempts = _attempts.GetValueOrDefault(entry.Offset);
        }

        if (attempts >= _options.MaxDeliveryAttempts)
        {
            _ = ParkAsync(entry, generation, attempts, failure);
            return;
        }

        _silo.Log.InboxDeliveryFailed(failure, entry.Recipient, PartitionId, entry.Offset, attempts);
        RetryLater(entry, generation, Backoff(attempts));
    }

    /// <summary>RetryBackoff doubling with each try (<paramref name="tries"/> ≥ 1), at most MaxRetryBackoff.</summary>
    private TimeSpan Backoff(int tries) =>
        TimeSpan.FromTicks(Math.Min(_options.RetryBackoff.Ticks * (1L << Math.Clamp(tries - 1, 0, 16)), _options.MaxRetryBackoff.Ticks));

    /// <summary>Delivers <paramref name="entry"/> again after the back-off (jittered), unless the run it belonged to has ended.</summary>
    private void RetryLater(InboxEntry entry, int generation, TimeSpan backoff)
    {
        backoff += TimeSpan.FromTicks((long)(backoff.Ticks * 0.2 * Random.Shared.NextDouble()));
        _ = Task.Delay(backoff, _clock, _stop.Token).ContinueWith(
            _ =>
            {
                if (generation == Volatile.Read(ref _generation))
                {
                    Deliver(entry);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    private async Task ParkAsync(InboxEntry entry, int generation, int attempts, Exception failure)
    {
        try
        {
            await _silo.Store.ExecuteAsync(
                new FencedWrite(_silo.SiloId, PartitionId, Epoch,
                [
                    new ParkInboxRecordOperation(entry.Recipient, entry.Offset, entry.Kind, entry.Payload, entry.EnqueuedAt, attempts, $"{failure.GetType().Name}: {failure.Message}"),
                    new AdvanceInboxCursorOperation(entry.Recipient, entry.Offset),
                ]),
                CancellationToken.None);
            _silo.Log.InboxRecordParked(failure, entry.Recipient, PartitionId, entry.Offset, attempts);
            var activation = _silo.Catalog.Find(entry.Recipient);
            if (activation is not null)
            {
                // The cursor moved without the activation: let it reload it.
                activation.InboxCursor = null;
            }

            if (!_stop.IsCancellationRequested && generation == Volatile.Read(ref _generation))
            {
                Complete(entry);
            }
        }
        catch (Exception exception)
        {
            _silo.Log.InboxCommitFailed(exception, PartitionId);
        }
    }

    private void Complete(InboxEntry entry)
    {
        InboxEntry? next = null;
        lock (_lock)
        {
            _attempts.Remove(entry.Offset);
            _deferrals.Remove(entry.Offset);
            _inFlight--;
            if (entry.Offset == _lowWater + 1)
            {
                _lowWater++;
                while (_completedAbove.Remove(_lowWater + 1))
                {
                    _lowWater++;
                }
            }
            else if (entry.Offset > _lowWater)
            {
                _completedAbove.Add(entry.Offset);
            }

            if (_waitingByGrain.TryGetValue(entry.Recipient, out var waiting))
            {
                if (waiting.Count > 0)
                {
                    next = waiting.Dequeue();
                }
                else
                {
                    _waitingByGrain.Remove(entry.Recipient);
                }
            }
        }

        if (next is not null)
        {
            Deliver(next);
        }

        _wake.Writer.TryWrite(true);
    }

    private async Task CommitIfDueAsync(CancellationToken stopping)
    {
        if (_clock.GetElapsedTime(_lastCommitAt) < _options.CommitInterval)
        {
            return;
        }

        await CommitAsync(stopping);
    }

    /// <summary>
    /// Deletes records at or below the committed offset stored before the retention (unfenced: whoever owns the
    /// partition now never reads below the committed offset, and offsets continue above it).
    /// </summary>
    private async Task TrimIfDueAsync(CancellationToken stopping)
    {
        if (_options.Retention <= TimeSpan.Zero || _committed <= 0 || _clock.GetElapsedTime(_lastTrimAt) < _options.TrimInterval)
        {
            return;
        }

        _lastTrimAt = _clock.GetTimestamp();
        try
        {
            // In short batches, so a first trim of a long history does not hold the partition's delivery (or, on
            // SQLite, the single writer) for long; what is left waits for the next interval.
            const int batch = 2000;
            var before = _silo.Time.GetUtcNow() - _options.Retention;
            var trimmed = 0;
            for (var round = 0; round < 10 && !stopping.IsCancellationRequested; round++)
            {
                var deleted = await _silo.Store.TrimAsync(PartitionId, _committed, before, batch, stopping);
                trimmed += deleted;
                if (deleted < batch)
                {
                    break;
                }
            }

            if (trimmed > 0)
            {
                _silo.Log.InboxTrimmed(trimmed, PartitionId, _options.Retention);
            }
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            _silo.Log.InboxTrimFailed(exception, PartitionId);
        }
    }

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        long lowWater;
        lock (_lock)
        {
            lowWater = _lowWater;
        }

        _lastCommitAt = _clock.GetTimestamp();
        if (lowWater <= _committed)
        {
            return;
        }

        await _silo.Store.ExecuteAsync(new FencedWrite(_silo.SiloId, PartitionId, Epoch, [new CommitInboxOffsetOperation(lowWater)]), cancellationToken);
        _committed = lowWater;
    }
}
