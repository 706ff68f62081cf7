using System.Threading.Channels;
using Ops.Runtime.Storage;

namespace Ops.Runtime.Inbox;

/// <summary>
/// Group commit for one group of partitions: appends queue up while the previous transaction is in flight and are
/// then stored together, in one fenced transaction, with gap-free offsets assigned here (this writer is the only
/// one assigning offsets for its partitions on this silo, and only this silo owns them).
/// </summary>
internal sealed class InboxWriter
{
    private readonly Silo _silo;
    private readonly InboxService _inbox;
    private readonly int _maxBatchEntries;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<int, NextOffset> _nextOffsets = [];
    private readonly Lock _offsetsLock = new();
    private Task _loop = Task.CompletedTask;

    public InboxWriter(Silo silo, InboxService inbox, int maxBatchEntries)
    {
        _silo = silo;
        _inbox = inbox;
        _maxBatchEntries = maxBatchEntries;
    }

    public void Start(CancellationToken stopping) => _loop = Task.Run(() => RunAsync(stopping), CancellationToken.None);

    public Task Completion => _loop;

    /// <summary>Queues records (all for this writer's partitions); completes when they are durable.</summary>
    public Task<InboxReceipt[]> AppendAsync(IReadOnlyList<(InboxAppend Record, int PartitionId)> records)
    {
        var pending = new PendingAppend(records);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Completion.TrySetException(new SiloUnavailableException("The silo is stopping; the inbox accepts no records."));
        }

        return pending.Completion.Task;
    }

    /// <summary>Stops accepting; queued appends fail.</summary>
    public void Close(Exception reason)
    {
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Completion.TrySetException(reason);
        }
    }

    /// <summary>Forgets the offset counter of a partition (lost, or a write of it failed ambiguously).</summary>
    public void Invalidate(int partitionId)
    {
        lock (_offsetsLock)
        {
            _nextOffsets.Remove(partitionId);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var batch = new List<PendingAppend>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping))
            {
                batch.Clear();
                var entries = 0;
                while (entries < _maxBatchEntries && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    entries += pending.Records.Count;
                }

                await WriteAsync(batch, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Close(new SiloUnavailableException("The silo stopped before these records were stored."));
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(new SiloUnavailableException("The silo stopped before these records were stored."));
            }
        }
    }

    private async Task WriteAsync(List<PendingAppend> batch, CancellationToken stopping)
    {
        // Appends for partitions this silo does not serve fail at once; the rest are written together.
        var fences = new Dictionary<int, long>();
        var writable = new List<PendingAppend>(batch.Count);
        foreach (var pending in batch)
        {
            string? unavailable = null;
            foreach (var (_, partitionId) in pending.Records)
            {
                if (fences.ContainsKey(partitionId))
                {
                    continue;
                }

                if (_silo.Partitions.TryGetServingEpoch(partitionId, out var epoch, out var reason))
                {
                    fences[partitionId] = epoch;
                }
                else
                {
                    unavailable = $"partition {partitionId}: {reason}";
                    break;
                }
            }

            if (unavailable is null)
            {
                writable.Add(pending);
            }
            else
            {
                pending.Completion.TrySetException(new PartitionUnavailableException(unavailable));
            }
        }

        if (writable.Count == 0)
        {
            return;
        }

        // Offsets: continue from the highest stored offset of each partition, as known under the current epoch.
        var used = new HashSet<int>();
        foreach (var pending in writable)
        {
            foreach (var (_, partitionId) in pending.Records)
            {
                used.Add(partitionId);
            }
        }

        var next = new Dictionary<int, long>(used.Count);
        foreach (var partitionId in used)
        {
            var epoch = fences[partitionId];

            NextOffset? known;
            lock (_offsetsLock)
            {
                _nextOffsets.TryGetValue(partitionId, out known);
            }

            if (known is null || known.Epoch != epoch)
            {
                var position = await _silo.Store.ReadPositionAsync(partitionId, stopping);
                known = new NextOffset(epoch, position.LastOffset + 1);
            }

            next[partitionId] = known.Value;
        }

        var now = _silo.Time.GetUtcNow();
        var entries = new List<InboxEntry>();
        var receipts = new List<InboxReceipt[]>(writable.Count);
        foreach (var pending in writable)
        {
            var appendReceipts = new InboxReceipt[pending.Records.Count];
            for (var i = 0; i < pending.Records.Count; i++)
            {
                var (record, partitionId) = pending.Records[i];
                var offset = next[partitionId]++;
                entries.Add(new InboxEntry(partitionId, offset, record.Recipient, record.Kind, record.Payload, now));
                appendReceipts[i] = new InboxReceipt(partitionId, offset);
            }

            receipts.Add(appendReceipts);
        }

        var usedFences = next.Keys.Select(p => new PartitionLease(p, fences[p])).ToList();
        try
        {
            await _silo.Store.AppendAsync(_silo.SiloId, usedFences, entries, stopping);
        }
        catch (Exception exception)
        {
            // Nothing was acknowledged. If the commit's outcome is unknown, the stored offsets are re-read next time.
            foreach (var fence in usedFences)
            {
                Invalidate(fence.PartitionId);
            }

            if (exception is PartitionOwnershipLostException lost)
            {
                _silo.Leases.ReportOwnershipLost(lost.PartitionId, fences.GetValueOrDefault(lost.PartitionId));
            }

            Exception failure = exception is PartitionOwnershipLostException or OperationCanceledException
                ? new PartitionUnavailableException($"The records were not stored: {exception.Message}", exception)
                : exception;
            foreach (var pending in writable)
            {
                pending.Completion.TrySetException(failure);
            }

            _silo.Log.InboxAppendFailed(exception, entries.Count);
            return;
        }

        lock (_offsetsLock)
        {
            foreach (var (partitionId, offset) in next)
            {
                _nextOffsets[partitionId] = new NextOffset(fences[partitionId], offset);
            }
        }

        for (var i = 0; i < writable.Count; i++)
        {
            writable[i].Completion.TrySetResult(receipts[i]);
        }

        foreach (var group in entries.GroupBy(e => e.PartitionId))
        {
            _inbox.OnAppended(group.Key, group.ToList());
        }
    }

    private sealed record NextOffset(long Epoch, long Value);

    private sealed class PendingAppend(IReadOnlyList<(InboxAppend Record, int PartitionId)> records)
    {
        public IReadOnlyList<(InboxAppend Record, int PartitionId)> Records { get; } = records;

        public TaskCompletionSource<InboxReceipt[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
